using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Search;

namespace PatientVoice.Storage;

/// <summary>Registers the search parameter registry, the indexer and the query parser.</summary>
public static class SearchServiceCollectionExtensions
{
    public static IServiceCollection AddSearchIndexing(this IServiceCollection services)
    {
        // A factory, not the type: DI would pick the IEnumerable<string> constructor and hand it no types.
        services.TryAddSingleton(_ => new SearchParameterRegistry());
        services.TryAddSingleton<ISearchIndexer, SearchIndexer>();
        services.TryAddSingleton<SearchQueryParser>();
        return services;
    }
}
