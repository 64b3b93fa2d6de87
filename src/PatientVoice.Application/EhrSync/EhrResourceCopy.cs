using System.Text.Json.Nodes;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Questionnaires.Extract;

namespace PatientVoice.Application.EhrSync;

/// <summary>
/// A stored resource as the EHR gets it: without our id and meta, keyed for idempotent writes (the stable extracted
/// identifier of ADR 0006; for the response an identifier with its id; for the Provenance, which has no identifier
/// in R4, a <c>meta.tag</c> with its id), and with references to our resources rewritten to what the EHR calls them.
/// </summary>
public static class EhrResourceCopy
{
    public const string ResponseIdentifierSystem = "http://patientvoice.example.org/fhir/sid/response";
    public const string ProvenanceTagSystem = "http://patientvoice.example.org/fhir/sid/provenance";

    /// <summary>The copy and the search that finds it again in the EHR (<c>identifier=system|value</c> or <c>_tag=system|code</c>), URL-encoded.</summary>
    public static (JsonObject Copy, string Condition) Create(string resourceType, string id, string json)
    {
        var copy = JsonNode.Parse(json)!.AsObject();
        copy.Remove("id");
        copy.Remove("meta");
        string condition;
        switch (resourceType)
        {
            case "Provenance":
                copy["meta"] = new JsonObject { ["tag"] = new JsonArray(new JsonObject { ["system"] = ProvenanceTagSystem, ["code"] = id }) };
                condition = "_tag=" + Uri.EscapeDataString($"{ProvenanceTagSystem}|{id}");
                break;
            case "QuestionnaireResponse":
                // R4 QuestionnaireResponse.identifier is 0..1: ours replaces the client's, which stays in PatientVoice.
                copy["identifier"] = new JsonObject { ["system"] = ResponseIdentifierSystem, ["value"] = id };
                condition = "identifier=" + Uri.EscapeDataString($"{ResponseIdentifierSystem}|{id}");
                break;
            default:
                var value = copy["identifier"] is JsonArray identifiers
                    ? identifiers.OfType<JsonObject>().FirstOrDefault(i => (string?)i["system"] == ExtractedIdentifiers.System)?["value"]?.GetValue<string>()
                    : null;
                if (value is null)
                {
                    // Not extracted by us (no stable identifier yet): give it one from its id here.
                    value = $"{resourceType}/{id}";
                    var list = copy["identifier"] as JsonArray ?? [];
                    list.Add(new JsonObject { ["system"] = ExtractedIdentifiers.System, ["value"] = value });
                    copy["identifier"] = list;
                }

                condition = "identifier=" + Uri.EscapeDataString($"{ExtractedIdentifiers.System}|{value}");
                break;
        }

        return (copy, condition);
    }

    /// <summary>
    /// Rewrites every <c>reference</c> to one of our resources: to the EHR's reference when <paramref name="inEhr"/> knows
    /// it, else it is dropped (kept as <c>display</c>), since the EHR cannot resolve our ids. References to the EHR's own
    /// resources (Patient, Encounter, Practitioner …) and absolute URLs stay as they are.
    /// </summary>
    public static void RewriteReferences(JsonNode? node, IReadOnlyDictionary<string, string> inEhr)
    {
        switch (node)
        {
            case JsonObject obj:
                if (obj["reference"] is JsonValue value && value.TryGetValue<string>(out var reference) && Local(reference) is { } local)
                {
                    if (inEhr.TryGetValue(local, out var ehr))
                    {
                        obj["reference"] = ehr;
                    }
                    else
                    {
                        obj.Remove("reference");
                        obj["display"] ??= $"{local.Split('/')[0]} kept in PatientVoice";
                    }
                }

                foreach (var (_, child) in obj.ToList())
                {
                    RewriteReferences(child, inEhr);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    RewriteReferences(child, inEhr);
                }

                break;
        }
    }

    /// <summary><c>Goal/123</c> for a relative reference to one of our types (a version suffix dropped), else null.</summary>
    public static string? Local(string reference)
    {
        var parts = reference.Split('/');
        return parts.Length is 2 or 4 && (SupportedResourceTypes.IsSupported(parts[0]) || parts[0] == "Task") && (parts.Length == 2 || parts[2] == "_history")
            ? $"{parts[0]}/{parts[1]}"
            : null;
    }
}
