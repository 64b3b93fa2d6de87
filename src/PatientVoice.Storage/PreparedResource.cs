using Hl7.Fhir.Model;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Versioning;

namespace PatientVoice.Storage;

/// <summary>
/// A resource with its search-index rows already computed, so that the costly FHIRPath evaluation happens
/// before the write transaction and not while the store's single writer turn is held. The rows do not
/// depend on id, versionId or lastUpdated (those are indexed from the resource table), so the store may
/// still assign them. Its stored JSON is made here too, all but those three (<see cref="StoredJsonTemplate"/>). Do not
/// change the resource after preparing it, but for its id.
/// </summary>
public sealed class PreparedResource
{
    internal PreparedResource(Resource resource, IReadOnlyList<SearchIndexEntry> indexEntries, StoredJsonTemplate? json = null)
    {
        Resource = resource;
        IndexEntries = indexEntries;
        Json = json;
    }

    public Resource Resource { get; }

    internal IReadOnlyList<SearchIndexEntry> IndexEntries { get; }

    /// <summary>Its stored JSON but for id, versionId and lastUpdated, made with the index rows (null: serialized in the write).</summary>
    internal StoredJsonTemplate? Json { get; }
}
