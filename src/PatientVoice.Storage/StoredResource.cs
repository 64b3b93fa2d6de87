namespace PatientVoice.Storage;

/// <summary>
/// One version of a resource as the store keeps it: FHIR JSON with <c>id</c>, <c>meta.versionId</c> and
/// <c>meta.lastUpdated</c> already set. A deleted version (tombstone) has no JSON.
/// </summary>
public sealed record StoredResource(
    string ResourceType,
    string Id,
    int VersionId,
    DateTimeOffset LastUpdated,
    bool IsDeleted,
    string? Json,
    string Method)
{
    /// <summary>The versioned reference, e.g. <c>Goal/123/_history/2</c>.</summary>
    public string VersionedReference => $"{ResourceType}/{Id}/_history/{VersionId}";
}
