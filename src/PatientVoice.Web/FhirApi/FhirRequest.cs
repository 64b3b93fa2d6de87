using System.Globalization;
using Hl7.Fhir.Model;
using PatientVoice.Application;
using PatientVoice.Application.Write;

namespace PatientVoice.Web.FhirApi;

/// <summary>What every FHIR interaction reads off the HTTP request: base URL, type, headers.</summary>
public static class FhirRequest
{
    public const string BasePath = FhirBase.Path;

    /// <summary>The absolute FHIR base of this server as the client called it, e.g. <c>https://host/fhir</c>.</summary>
    public static string BaseUrl(HttpRequest request)
        => $"{request.Scheme}://{request.Host}{request.PathBase}{BasePath}";

    /// <summary>404 for a resource type we do not serve (or that FHIR does not know).</summary>
    public static string RequireType(string type) => SearchCriteria.RequireType(type);

    /// <summary>The version in an If-Match header (<c>W/"3"</c> or <c>"3"</c>), or null without one.</summary>
    public static int? IfMatch(HttpRequest request) => ParseETag(request.Headers.IfMatch.ToString(), "If-Match");

    public static int? ParseETag(string? value, string header) => VersionTag.Parse(value, header);

    /// <summary>Prefer: return=minimal | representation | OperationOutcome (representation by default).</summary>
    public static string PreferredReturn(HttpRequest request)
    {
        foreach (var part in request.Headers["Prefer"].ToString().Split([',', ';'], StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("return=", StringComparison.OrdinalIgnoreCase))
            {
                return part["return=".Length..].Trim('"') switch
                {
                    var r when r.Equals("minimal", StringComparison.OrdinalIgnoreCase) => "minimal",
                    var r when r.Equals("OperationOutcome", StringComparison.OrdinalIgnoreCase) => "OperationOutcome",
                    _ => "representation",
                };
            }
        }

        return "representation";
    }

    /// <summary>Prefer: handling=strict makes unknown search parameters an error.</summary>
    public static bool StrictHandling(HttpRequest request)
        => request.Headers["Prefer"].ToString().Contains("handling=strict", StringComparison.OrdinalIgnoreCase);

    /// <summary>The query string as ordered pairs (repeated names kept apart: they AND).</summary>
    public static List<KeyValuePair<string, string>> QueryPairs(IQueryCollection query)
        => query.SelectMany(q => q.Value.Select(v => new KeyValuePair<string, string>(q.Key, v ?? string.Empty))).ToList();

    /// <summary>Search parameters from a query string in FHIR's own form (If-None-Exist, conditional URLs).</summary>
    public static List<KeyValuePair<string, string>> ParseQueryString(string query) => SearchCriteria.Parse(query);
}
