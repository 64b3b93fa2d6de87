using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;

namespace PatientVoice.Fhir.Serialization;

/// <summary>
/// Writes resources as FHIR JSON or XML. One set of options per process: building them is not free.
/// </summary>
public static class FhirSerializer
{
    // Patients write in many languages: keep their words readable in the stored JSON (UTF-8), not \u-escaped.
    // The relaxed encoder still escapes what JSON requires; the responses are never embedded in HTML.
    private static readonly JavaScriptEncoder Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    private static readonly JsonSerializerOptions Compact = new JsonSerializerOptions { Encoder = Encoder }.ForFhir(ModelInfo.ModelInspector);

    private static readonly JsonSerializerOptions Indented =
        new JsonSerializerOptions { WriteIndented = true, Encoder = Encoder }.ForFhir(ModelInfo.ModelInspector);

    /// <summary>Options for writing plain JSON nodes (Bundle frames, subsetted resources) with the same escaping.</summary>
    public static JsonSerializerOptions NodeOptions { get; } = new() { Encoder = Encoder };

    private static readonly FhirXmlSerializer Xml = new();

    /// <summary>Options for System.Text.Json (compact, as stored).</summary>
    public static JsonSerializerOptions JsonOptions => Compact;

    /// <summary>
    /// A resource from JSON this server wrote (stored versions, cached documents): the one way stored JSON is read
    /// back. A client's body goes through <see cref="FhirResourceParser"/>, which sorts what is wrong with it.
    /// </summary>
    public static T Parse<T>(string json) where T : Resource
        => JsonSerializer.Deserialize<Resource>(json, Compact) as T
           ?? throw new InvalidOperationException($"The stored JSON is not a {typeof(T).Name}.");

    public static string ToJson(Resource resource, bool pretty = false)
        => JsonSerializer.Serialize(resource, resource.GetType(), pretty ? Indented : Compact);

    public static string ToXml(Resource resource, bool pretty = false)
    {
        var xml = Xml.SerializeToString(resource);
        return pretty ? Reindent(xml) : xml;
    }

    public static string Serialize(Resource resource, FhirFormat format, bool pretty = false)
        => format == FhirFormat.Xml ? ToXml(resource, pretty) : ToJson(resource, pretty);

    /// <summary>Re-serializes stored JSON with indentation, without a round trip through the POCOs.</summary>
    public static string IndentJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = Encoder }))
        {
            document.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string Reindent(string xml)
    {
        var element = System.Xml.Linq.XElement.Parse(xml, System.Xml.Linq.LoadOptions.PreserveWhitespace);
        return element.ToString(System.Xml.Linq.SaveOptions.None);
    }
}
