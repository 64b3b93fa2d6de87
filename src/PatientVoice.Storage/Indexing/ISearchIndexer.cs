using Hl7.Fhir.Model;

namespace PatientVoice.Storage.Indexing;

/// <summary>Computes the search-index rows of a resource from its SearchParameter definitions.</summary>
public interface ISearchIndexer
{
    IReadOnlyList<SearchIndexEntry> Extract(Resource resource);
}
