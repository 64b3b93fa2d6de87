using Hl7.Fhir.Model;
using PatientVoice.Storage.Indexing;

namespace PatientVoice.Storage;

/// <summary>
/// A resource with its search-index rows already computed, so that the costly FHIRPath evaluation happens
/// before the write transaction and not while the store's single writer turn is held. The rows do not
/// depend on id, versionId or lastUpdated (those are indexed from the resource table), so the store may
/// still assign them. Do not change the resource after preparing it.
/// </summary>
public sealed class PreparedResource
{
    internal PreparedResource(Resource resource, IReadOnlyList<SearchIndexEntry> indexEntries)
    {
        Resource = resource;
        IndexEntries = indexEntries;
    }

    public Resource Resource { get; }

    internal IReadOnlyList<SearchIndexEntry> IndexEntries { get; }
}
