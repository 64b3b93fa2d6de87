using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Storage.Search;

namespace PatientVoice.Storage.Indexing;

// STUB (to be replaced by the search work): registers the search parameter registry, indexer and parser.
public static class SearchServiceCollectionExtensions
{
    public static IServiceCollection AddSearchIndexing(this IServiceCollection services)
    {
        services.AddSingleton<SearchQueryParser>();
        return services;
    }
}
