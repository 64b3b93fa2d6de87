using PatientVoice.Fhir.Errors;
using Resource = Hl7.Fhir.Model.Resource;

namespace PatientVoice.Storage.Versioning;

/// <summary>
/// The versioning rules every store adapter follows, decided from the current stored version and the request
/// alone: If-Match, unchanged-as-stored, tombstones, version numbers, created or updated. The adapters read the
/// current version, ask here, and write what the <see cref="NextVersion"/> says; they hold SQL, not rules.
/// </summary>
internal static class VersionPolicy
{
    /// <summary>
    /// What a create or update of <paramref name="resource"/> writes over <paramref name="current"/> (null when the
    /// resource has no id or no row). Throws <see cref="PreconditionFailedException"/> when
    /// <paramref name="ifMatchVersion"/> is not the current live version. <paramref name="json"/>: the resource's stored
    /// JSON made when it was prepared, if it was.
    /// </summary>
    public static NextVersion ForPut(Resource resource, StoredResource? current, int? ifMatchVersion, StoredJsonTemplate? json = null)
    {
        // Identical content first: a retried update whose first attempt landed succeeds again, whatever its If-Match.
        if (current is { IsDeleted: false } && UnchangedAsStored.Matches(resource, current, json))
        {
            return new NextVersion(VersionChange.KeepCurrent, current);
        }

        // For an update, a tombstone is no version to match: the resource does not exist.
        var live = current is { IsDeleted: false } ? current : null;
        if (ifMatchVersion is { } expected && (live is null || live.VersionId != expected))
        {
            throw PreconditionFailed(expected, resource.TypeName, resource.Id, live);
        }

        var change = current is null ? VersionChange.Create : current.IsDeleted ? VersionChange.Recreate : VersionChange.Update;
        return new NextVersion(change, current);
    }

    /// <summary>
    /// What a delete of <paramref name="resourceType"/>/<paramref name="id"/> writes over <paramref name="current"/>.
    /// Throws <see cref="PreconditionFailedException"/> when <paramref name="ifMatchVersion"/> is not the current version.
    /// </summary>
    public static NextVersion ForDelete(string resourceType, string id, StoredResource? current, int? ifMatchVersion)
    {
        // For a delete, a tombstone is the current version: If-Match may name it, and deleting again changes nothing.
        if (ifMatchVersion is { } expected && (current is null || current.VersionId != expected))
        {
            throw PreconditionFailed(expected, resourceType, id, current);
        }

        return new NextVersion(current is { IsDeleted: false } ? VersionChange.Delete : VersionChange.Nothing, current);
    }

    private static PreconditionFailedException PreconditionFailed(int expected, string resourceType, string? id, StoredResource? current)
        => new(current is null
            ? $"If-Match asked for version {expected} of {resourceType}/{id}, which does not exist."
            : $"If-Match asked for version {expected} of {resourceType}/{id}, but the current version is {current.VersionId}.");
}
