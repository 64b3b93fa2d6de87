using System.Text.Json;
using System.Text.Json.Nodes;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Serialization;

namespace PatientVoice.Web.FhirApi.Formats;

/// <summary>
/// What part of a resource the client asked to see: <c>_summary</c> (true, text, data, false) and
/// <c>_elements</c>. A subsetted resource is tagged SUBSETTED, as the spec requires.
/// </summary>
public sealed class ResourceView
{
    private static readonly string[] Always = ["resourceType", "id", "meta"];

    private ResourceView(string? summary, IReadOnlyList<string>? elements)
    {
        Summary = summary;
        Elements = elements;
    }

    public string? Summary { get; }

    public IReadOnlyList<string>? Elements { get; }

    public static ResourceView Whole { get; } = new(null, null);

    public bool IsWhole => Elements is null && Summary is null or "false";

    public static ResourceView FromQuery(IQueryCollection query)
    {
        string? summary = null;
        if (query.TryGetValue("_summary", out var s) && !string.IsNullOrEmpty(s))
        {
            summary = s.ToString().ToLowerInvariant();
            if (summary is not ("true" or "false" or "text" or "data" or "count"))
            {
                throw new BadRequestException($"_summary must be true, false, text, data or count, not '{s}'.", "_summary");
            }
        }

        IReadOnlyList<string>? elements = null;
        if (query.TryGetValue("_elements", out var e) && !string.IsNullOrEmpty(e))
        {
            elements = e.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        }

        return new ResourceView(summary == "count" ? null : summary, elements);
    }

    /// <summary>Applies the view to stored JSON, as JSON.</summary>
    public JsonNode Apply(string json)
    {
        var node = JsonNode.Parse(json)!.AsObject();
        if (!IsWhole)
        {
            Subset(node);
        }

        return node;
    }

    /// <summary>Applies the view to stored JSON and writes the result in <paramref name="format"/>.</summary>
    public string Render(string json, FhirFormat format, bool pretty)
    {
        var text = Apply(json).ToJsonString(FhirSerializer.NodeOptions);
        if (format == FhirFormat.Json)
        {
            return pretty ? FhirSerializer.IndentJson(text) : text;
        }

        var resource = FhirSerializer.Parse<Resource>(text);
        return FhirSerializer.ToXml(resource, pretty);
    }

    private void Subset(JsonObject node)
    {
        var typeName = node["resourceType"]?.GetValue<string>();
        var mapping = typeName is null ? null : ModelInfo.ModelInspector.FindClassMapping(typeName);
        if (mapping is null)
        {
            return;
        }

        foreach (var key in node.Select(p => p.Key).ToList())
        {
            if (!Keep(mapping, key.TrimStart('_')))
            {
                node.Remove(key);
            }
        }

        var meta = node["meta"] as JsonObject ?? [];
        node["meta"] = meta;
        var tags = meta["tag"] as JsonArray ?? [];
        meta["tag"] = tags;
        tags.Add(new JsonObject
        {
            ["system"] = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue",
            ["code"] = "SUBSETTED",
            ["display"] = "subsetted",
        });
    }

    private bool Keep(ClassMapping mapping, string key)
    {
        if (Always.Contains(key))
        {
            return true;
        }

        var property = Find(mapping, key);
        if (property is null)
        {
            return false;
        }

        if (Elements is not null)
        {
            return property.IsMandatoryElement || Elements.Contains(property.Name) || Elements.Contains(key);
        }

        return Summary switch
        {
            "true" => property.InSummary || property.IsMandatoryElement,
            "text" => key == "text" || property.IsMandatoryElement,
            "data" => key != "text",
            _ => true,
        };
    }

    private static PropertyMapping? Find(ClassMapping mapping, string key)
    {
        if (mapping.FindMappedElementByName(key) is { } exact)
        {
            return exact;
        }

        // Choice elements: valueString belongs to value[x].
        return mapping.PropertyMappings.FirstOrDefault(p => p.Choice == ChoiceType.DatatypeChoice && key.StartsWith(p.Name, StringComparison.Ordinal));
    }
}
