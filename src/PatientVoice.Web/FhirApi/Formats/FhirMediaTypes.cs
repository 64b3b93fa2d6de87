using Microsoft.Net.Http.Headers;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Serialization;

namespace PatientVoice.Web.FhirApi.Formats;

/// <summary>Content negotiation for FHIR: <c>_format</c>, Accept and Content-Type, per the FHIR HTTP spec.</summary>
public static class FhirMediaTypes
{
    public const string Json = "application/fhir+json";
    public const string Xml = "application/fhir+xml";

    /// <summary>The format of the response: <c>_format</c> first, then Accept; JSON when neither says.</summary>
    public static FhirFormat ResponseFormat(HttpRequest request)
    {
        if (request.Query.TryGetValue("_format", out var format) && !string.IsNullOrEmpty(format))
        {
            return FromName(format.ToString()) ?? throw new NotAcceptableException(
                $"_format '{format}' is not supported; use json, xml, {Json} or {Xml}.");
        }

        var accept = request.GetTypedHeaders().Accept;
        if (accept is null || accept.Count == 0)
        {
            return FhirFormat.Json;
        }

        foreach (var mediaType in accept.OrderByDescending(a => a.Quality ?? 1.0))
        {
            if (mediaType.Quality == 0)
            {
                continue;
            }

            var name = mediaType.MediaType.ToString();
            if (name is "*/*" or "application/*")
            {
                return FhirFormat.Json;
            }

            if (FromName(name) is { } known)
            {
                return known;
            }
        }

        throw new NotAcceptableException($"None of the accepted media types can be produced; use {Json} or {Xml}.");
    }

    /// <summary>The format of the request body, from Content-Type; 415 for anything else.</summary>
    public static FhirFormat RequestFormat(HttpRequest request)
    {
        if (string.IsNullOrEmpty(request.ContentType))
        {
            throw new UnsupportedMediaTypeException($"A Content-Type is required: {Json} or {Xml}.");
        }

        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType))
        {
            throw new UnsupportedMediaTypeException($"Content-Type '{request.ContentType}' cannot be read.");
        }

        return FromName(contentType.MediaType.ToString()) is { } format && contentType.MediaType.ToString().Contains('/', StringComparison.Ordinal)
            ? format
            : throw new UnsupportedMediaTypeException($"Content-Type '{contentType.MediaType}' is not supported; send {Json} or {Xml}.");
    }

    public static string ContentType(FhirFormat format)
        => (format == FhirFormat.Xml ? Xml : Json) + "; charset=utf-8";

    public static bool IsPretty(HttpRequest request)
        => request.Query.TryGetValue("_pretty", out var pretty) && string.Equals(pretty, "true", StringComparison.OrdinalIgnoreCase);

    private static FhirFormat? FromName(string name) => name.Trim().ToLowerInvariant() switch
    {
        "json" or Json or "application/json" or "application/json+fhir" or "text/json" => FhirFormat.Json,
        "xml" or Xml or "application/xml" or "application/xml+fhir" or "text/xml" => FhirFormat.Xml,
        _ => null,
    };
}
