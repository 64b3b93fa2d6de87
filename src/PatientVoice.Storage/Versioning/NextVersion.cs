using System.Globalization;
using PatientVoice.Fhir.Serialization;
using Meta = Hl7.Fhir.Model.Meta;
using Resource = Hl7.Fhir.Model.Resource;

namespace PatientVoice.Storage.Versioning;

/// <summary>
/// A decision of <see cref="VersionPolicy"/>: what to write on top of <see cref="Current"/>, the resource's current
/// version as stored (a tombstone if it was deleted, null if it never existed). The adapters turn it into SQL.
/// </summary>
internal sealed record NextVersion(VersionChange Change, StoredResource? Current)
{
    /// <summary>The number of the version to write: one after the current one, whether that was live or deleted.</summary>
    public int Number => Current is null ? 1 : Current.VersionId + 1;

    /// <summary>Whether the write adds a version at all.</summary>
    public bool AddsVersion => Change is VersionChange.Create or VersionChange.Recreate or VersionChange.Update or VersionChange.Delete;

    /// <summary>Whether the write creates the resource as the client sees it (201): nothing, or only a tombstone, was there.</summary>
    public bool Created => Change is VersionChange.Create or VersionChange.Recreate;

    /// <summary>Whether the current version's index rows must go: a tombstone has none, a new resource has none.</summary>
    public bool RemovesIndexRows => Change is VersionChange.Update or VersionChange.Delete;

    /// <summary>The result of a write that kept the current version, or null when the write adds one.</summary>
    public WriteResult? Unchanged => Change is VersionChange.KeepCurrent ? new WriteResult(Current!, Created: false, Unchanged: true) : null;

    /// <summary>
    /// Gives <paramref name="resource"/> the new version's <c>id</c> (a new one if it has none),
    /// <c>meta.versionId</c> and <c>meta.lastUpdated</c>, and returns that version as it is to be stored: its JSON filled
    /// into <paramref name="json"/> when the resource was prepared with one, else serialized here.
    /// </summary>
    public StoredResource Stamp(Resource resource, DateTimeOffset lastUpdated, StoredJsonTemplate? json = null)
    {
        if (Change is not (VersionChange.Create or VersionChange.Recreate or VersionChange.Update))
        {
            throw new InvalidOperationException($"A {Change} decision writes no resource body.");
        }

        resource.Meta ??= new Meta();
        resource.Id ??= NewId();
        resource.Meta.VersionId = Number.ToString(CultureInfo.InvariantCulture);
        resource.Meta.LastUpdated = lastUpdated;
        // The method says how the resource came to be: only the insert of its row is a POST, a write after a deletion is a PUT.
        var method = Current is null ? "POST" : "PUT";
        var stored = json?.Render(resource.Id, Number, lastUpdated) ?? FhirSerializer.ToJson(resource);
        return new StoredResource(resource.TypeName, resource.Id, Number, lastUpdated, IsDeleted: false, stored, method);
    }

    /// <summary>The tombstone version a delete writes.</summary>
    public StoredResource Tombstone(DateTimeOffset lastUpdated)
    {
        if (Change is not VersionChange.Delete)
        {
            throw new InvalidOperationException($"A {Change} decision writes no tombstone.");
        }

        return new StoredResource(Current!.ResourceType, Current.Id, Number, lastUpdated, IsDeleted: true, Json: null, "DELETE");
    }

    /// <summary>What a put that wrote <paramref name="written"/> tells its caller.</summary>
    public WriteResult Result(StoredResource written) => new(written, Created);

    // Version 7 GUIDs are time-ordered: new rows land at the end of the id index instead of all over it.
    private static string NewId() => Guid.CreateVersion7().ToString("N");
}
