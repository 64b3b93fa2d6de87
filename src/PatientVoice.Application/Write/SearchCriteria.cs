using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Application.Write;

/// <summary>The pieces of a FHIR request every door shares: the resource types we serve, and search parameters in URL form.</summary>
public static class SearchCriteria
{
    /// <summary>404 for a resource type we do not serve (or that FHIR does not know).</summary>
    public static string RequireType(string type)
    {
        if (SupportedResourceTypes.IsSupported(type))
        {
            return type;
        }

        throw Hl7.Fhir.Model.ModelInfo.IsKnownResource(type)
            ? new ResourceNotFoundException($"Resource type '{type}' is not supported by this server; supported: {string.Join(", ", SupportedResourceTypes.All)}.")
            : new ResourceNotFoundException($"'{type}' is not a FHIR R4 resource type.");
    }

    /// <summary>Search parameters from a query string in FHIR's own form (If-None-Exist, conditional URLs), in order, repeats kept.</summary>
    public static List<KeyValuePair<string, string>> Parse(string query)
    {
        var pairs = new List<KeyValuePair<string, string>>();
        foreach (var part in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? part : part[..equals];
            var value = equals < 0 ? string.Empty : part[(equals + 1)..];
            pairs.Add(new(Unescape(name), Unescape(value)));
        }

        return pairs;
    }

    // application/x-www-form-urlencoded: '+' is a space; a malformed escape stays as written.
    private static string Unescape(string text)
    {
        var spaced = text.Replace('+', ' ');
        try
        {
            return Uri.UnescapeDataString(spaced);
        }
        catch (UriFormatException)
        {
            return spaced;
        }
    }
}
