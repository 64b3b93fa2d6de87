using PatientVoice.Fhir.Serialization;
using Meta = Hl7.Fhir.Model.Meta;
using Resource = Hl7.Fhir.Model.Resource;

namespace PatientVoice.Storage.Versioning;

/// <summary>
/// An update that changes nothing (a retried request, a form saved twice) adds no version: the current one
/// stands, as it would for a client that had not sent it. Compared as stored: same JSON, same meta.
/// </summary>
internal static class UnchangedAsStored
{
    /// <summary>
    /// Whether <paramref name="resource"/>, given the meta of <paramref name="current"/>, serializes to exactly the
    /// current JSON. When it does, the resource keeps that meta (it now describes the stored version); when not, its
    /// own meta is put back. With <paramref name="json"/> (made when the resource was prepared) nothing is serialized here.
    /// </summary>
    public static bool Matches(Resource resource, StoredResource current, StoredJsonTemplate? json = null)
    {
        if (current.Json is null)
        {
            return false;
        }

        var meta = resource.Meta ??= new Meta();
        var (versionId, lastUpdated) = (meta.VersionId, meta.LastUpdated);
        meta.VersionId = current.VersionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        meta.LastUpdated = current.LastUpdated;
        var asStored = (resource.Id is { } id ? json?.Render(id, current.VersionId, current.LastUpdated) : null) ?? FhirSerializer.ToJson(resource);
        if (string.Equals(asStored, current.Json, StringComparison.Ordinal))
        {
            return true;
        }

        (meta.VersionId, meta.LastUpdated) = (versionId, lastUpdated);
        return false;
    }
}
