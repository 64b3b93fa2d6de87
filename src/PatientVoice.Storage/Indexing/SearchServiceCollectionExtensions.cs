using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Storage.Search;

namespace PatientVoice.Storage.Indexing;

// STUB (to be replaced by the search work): registers the search parameter registry, indexer and parser.
public static class SearchServiceCollectionExtensions
{
    public static IServiceCollection AddSearchIndexing(this IServiceCollection services)
    {
        services.AddSingleton<SearchQueryParser>();
        services.AddSingleton<ISearchIndexer, NoIndexer>();
        return services;
    }

    private sealed class NoIndexer : ISearchIndexer
    {
        public IReadOnlyList<SearchIndexEntry> Extract(Hl7.Fhir.Model.Resource resource) => [];
    }
}
