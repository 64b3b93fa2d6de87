using System.Globalization;
using Hl7.Fhir.Serialization;
using PatientVoice.Fhir.Serialization;
using Meta = Hl7.Fhir.Model.Meta;
using Resource = Hl7.Fhir.Model.Resource;

namespace PatientVoice.Storage.Versioning;

/// <summary>
/// A resource's stored JSON made before the write's transaction, with a hole where the version's <c>id</c> (when the
/// store is to assign it), <c>meta.versionId</c> and <c>meta.lastUpdated</c> go: inside the writer's turn the store
/// fills them in (<see cref="Render"/>) instead of serializing the whole resource there. FHIR JSON writes <c>id</c> and
/// <c>meta</c> first and <c>versionId</c>, <c>lastUpdated</c> first within <c>meta</c>, so the hole is near the start, and
/// what is rendered is byte for byte what <see cref="FhirSerializer.ToJson"/> writes for the stamped resource
/// (<c>StoredJsonTemplateTests</c> holds it to that over the validation corpus). Like the index rows of a
/// <see cref="PreparedResource"/>, it holds only while the resource is not changed after it was prepared.
/// </summary>
internal sealed class StoredJsonTemplate
{
    // Stand-ins written by the serializer where the real values go: an id and a versionId no one sends (ids are
    // [A-Za-z0-9\-\.]{1,64}, these are valid ones so that the serializer writes them as they are) and an instant
    // nothing is stamped with. Only the first occurrence counts: the resource's own id and meta come before anything
    // else of it, contained resources included.
    private const string IdStandIn = "pv-id-to-assign-7f3e9c1a";
    private const string VersionStandIn = "pv-version-to-stamp-7f3e9c1a";
    private static readonly DateTimeOffset InstantStandIn = new(1, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly string IdHole = $"\"id\":\"{IdStandIn}\"";
    private static readonly string MetaHole = $"\"versionId\":\"{VersionStandIn}\",\"lastUpdated\":\"{InstantText(InstantStandIn)}\"";

    private readonly string? _id;
    private readonly string _beforeId;
    private readonly string _betweenIdAndMeta;
    private readonly string _afterMeta;
    private readonly bool _assignsId;

    private StoredJsonTemplate(string? id, string beforeId, string betweenIdAndMeta, string afterMeta, bool assignsId)
    {
        _id = id;
        _beforeId = beforeId;
        _betweenIdAndMeta = betweenIdAndMeta;
        _afterMeta = afterMeta;
        _assignsId = assignsId;
    }

    /// <summary>
    /// The template of <paramref name="resource"/> as it is now, or null when the holes cannot be found where FHIR JSON
    /// puts them (then the store serializes in the turn, as without a template). Leaves the resource as it was.
    /// </summary>
    public static StoredJsonTemplate? Of(Resource resource)
    {
        var (id, meta) = (resource.Id, resource.Meta);
        var (versionId, lastUpdated) = (meta?.VersionId, meta?.LastUpdated);
        string json;
        try
        {
            resource.Id = id ?? IdStandIn;
            resource.Meta = meta ?? new Meta();
            resource.Meta.VersionId = VersionStandIn;
            resource.Meta.LastUpdated = InstantStandIn;
            json = FhirSerializer.ToJson(resource);
        }
        finally
        {
            if (meta is not null)
            {
                (meta.VersionId, meta.LastUpdated) = (versionId, lastUpdated);
            }

            (resource.Id, resource.Meta) = (id, meta);
        }

        var metaAt = json.IndexOf(MetaHole, StringComparison.Ordinal);
        if (metaAt < 0)
        {
            return null;
        }

        if (id is not null)
        {
            return new StoredJsonTemplate(id, json[..metaAt], string.Empty, json[(metaAt + MetaHole.Length)..], assignsId: false);
        }

        var idAt = json.IndexOf(IdHole, StringComparison.Ordinal);
        return idAt < 0 || idAt > metaAt
            ? null
            : new StoredJsonTemplate(null, json[..idAt], json[(idAt + IdHole.Length)..metaAt], json[(metaAt + MetaHole.Length)..], assignsId: true);
    }

    /// <summary>
    /// The stored JSON of version <paramref name="versionId"/> of the resource as prepared, with id <paramref name="id"/>,
    /// last updated at <paramref name="lastUpdated"/>; null when the resource had another id when it was prepared (a
    /// create drops the id of its body): then the caller serializes it.
    /// </summary>
    public string? Render(string id, int versionId, DateTimeOffset lastUpdated)
    {
        if (!_assignsId && !string.Equals(id, _id, StringComparison.Ordinal))
        {
            return null;
        }

        var stamp = $"\"versionId\":\"{versionId.ToString(CultureInfo.InvariantCulture)}\",\"lastUpdated\":\"{InstantText(lastUpdated)}\"";
        return _assignsId
            ? string.Concat(_beforeId, $"\"id\":\"{id}\"", _betweenIdAndMeta, stamp, _afterMeta)
            : string.Concat(_beforeId, stamp, _afterMeta);
    }

    // The SDK's own text for an instant, as its serializer writes it (no character of it needs escaping in JSON).
    private static string InstantText(DateTimeOffset instant) => PrimitiveTypeConverter.ConvertTo<string>(instant);
}
