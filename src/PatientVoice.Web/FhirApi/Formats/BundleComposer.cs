using System.Buffers;
using System.Text;
using System.Text.Json;
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

        // The frame (small) is read once and copied; each stored resource is written into its entry as stored when the
        // client asked for the whole resource (no parse, no re-serialization: the bulk of a searchset), else through
        // the view. The same JSON as parsing everything into nodes and writing them back, at a fraction of the cost.
        var frameJson = FhirSerializer.ToJson(frame);
        using var document = JsonDocument.Parse(frameJson);
        var buffer = new ArrayBufferWriter<byte>(frameJson.Length + entries.Sum(e => e.Stored?.Json?.Length ?? 0) + 256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = FhirSerializer.NodeOptions.Encoder }))
        {
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!property.NameEquals("entry"))
                {
                    property.WriteTo(writer);
                    continue;
                }

                writer.WritePropertyName(property.Name);
                writer.WriteStartArray();
                var i = 0;
                foreach (var entry in property.Value.EnumerateArray())
                {
                    WriteEntry(writer, entry, entries[i++], view);
                }

                writer.WriteEndArray();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteEntry(Utf8JsonWriter writer, JsonElement entry, BundleEntryModel model, ResourceView view)
    {
        if (model is not { Resource: null, Stored.Json: { } stored })
        {
            entry.WriteTo(writer);
            return;
        }

        // Keep FHIR's element order readable: fullUrl, resource, then search/request/response.
        writer.WriteStartObject();
        if (entry.TryGetProperty("fullUrl", out var fullUrl))
        {
            writer.WritePropertyName("fullUrl");
            fullUrl.WriteTo(writer);
        }

        writer.WritePropertyName("resource");
        if (view.IsWhole)
        {
            writer.WriteRawValue(stored);
        }
        else
        {
            view.Apply(stored).WriteTo(writer, FhirSerializer.NodeOptions);
        }

        foreach (var property in entry.EnumerateObject())
        {
            if (!property.NameEquals("fullUrl"))
            {
                property.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }
}
