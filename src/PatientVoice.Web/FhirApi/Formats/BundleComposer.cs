using System.Text.Json.Nodes;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;

namespace PatientVoice.Web.FhirApi.Formats;

/// <summary>One entry of a Bundle we return: a stored version (embedded as stored) or a resource built here.</summary>
public sealed record BundleEntryModel(
    string? FullUrl,
    StoredResource? Stored = null,
    Resource? Resource = null,
    Bundle.SearchEntryMode? SearchMode = null,
    Bundle.RequestComponent? Request = null,
    Bundle.ResponseComponent? Response = null);

/// <summary>
/// Assembles Bundle JSON around stored resource JSON without parsing the resources into objects: the
/// Bundle frame is serialized by the SDK, and each stored resource is spliced in (through the client's
/// _summary/_elements view) as JSON.
/// </summary>
public static class BundleComposer
{
    public static string Compose(Bundle.BundleType type, int? total, IEnumerable<(string Relation, string Url)> links, IReadOnlyList<BundleEntryModel> entries, ResourceView view)
    {
        var frame = new Bundle
        {
            Id = Guid.NewGuid().ToString("N"),
            Type = type,
            Total = total,
            Meta = new Meta { LastUpdated = DateTimeOffset.UtcNow },
            Timestamp = DateTimeOffset.UtcNow,
            Link = links.Select(l => new Bundle.LinkComponent { Relation = l.Relation, Url = l.Url }).ToList(),
        };

        foreach (var entry in entries)
        {
            frame.Entry.Add(new Bundle.EntryComponent
            {
                FullUrl = entry.FullUrl,
                Resource = entry.Resource,
                Search = entry.SearchMode is { } mode ? new Bundle.SearchComponent { Mode = mode } : null,
                Request = entry.Request,
                Response = entry.Response,
            });
        }

        var json = JsonNode.Parse(FhirSerializer.ToJson(frame))!.AsObject();
        if (json["entry"] is JsonArray array)
        {
            for (var i = 0; i < entries.Count; i++)
            {
                if (entries[i] is { Resource: null, Stored.Json: { } stored })
                {
                    var entryNode = array[i]!.AsObject();
                    // Keep FHIR's element order readable: fullUrl, resource, then search/request/response.
                    var rest = entryNode.Where(p => p.Key != "fullUrl").Select(p => p.Key).ToList();
                    var moved = rest.Select(k => (k, entryNode[k]!.DeepClone())).ToList();
                    foreach (var key in rest)
                    {
                        entryNode.Remove(key);
                    }

                    entryNode["resource"] = view.Apply(stored);
                    foreach (var (key, value) in moved)
                    {
                        entryNode[key] = value;
                    }
                }
            }
        }

        return json.ToJsonString(FhirSerializer.NodeOptions);
    }
}
