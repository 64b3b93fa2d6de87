using System.Globalization;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Web.FhirApi.Formats;

namespace PatientVoice.Web.FhirApi;

/// <summary>
/// A FHIR response: status, the version headers (ETag, Last-Modified, Location) and a body in the format
/// the client asked for. Stored JSON goes out as stored when the client wants plain JSON: no re-parse.
/// </summary>
public sealed class FhirResult : IResult
{
    private FhirResult(int statusCode) => StatusCode = statusCode;

    public int StatusCode { get; }

    public Resource? Resource { get; private init; }

    public string? StoredJson { get; private init; }

    public StoredResource? Version { get; private init; }

    public string? Location { get; private init; }

    /// <summary>Whether _summary/_elements apply to <see cref="StoredJson"/> (not to a Bundle that applied them per entry).</summary>
    public bool ApplyView { get; private init; } = true;

    public static FhirResult Of(int statusCode, Resource resource) => new(statusCode) { Resource = resource };

    public static FhirResult Empty(int statusCode) => new(statusCode);

    /// <summary>A body already written as FHIR JSON (a Bundle assembled from stored resources).</summary>
    public static FhirResult Json(int statusCode, string json) => new(statusCode) { StoredJson = json, ApplyView = false };

    /// <summary>A stored version, with ETag and Last-Modified; its JSON as the body unless <paramref name="withBody"/> is false.</summary>
    public static FhirResult Stored(int statusCode, StoredResource version, bool withBody = true, string? location = null)
        => new(statusCode) { Version = version, StoredJson = withBody ? version.Json : null, Location = location };

    public static FhirResult StoredWithOutcome(int statusCode, StoredResource version, OperationOutcome outcome, string? location)
        => new(statusCode) { Version = version, Resource = outcome, Location = location };

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        if (Version is not null)
        {
            response.Headers.ETag = ETag(Version.VersionId);
            response.Headers.LastModified = Version.LastUpdated.ToString("R", CultureInfo.InvariantCulture);
        }

        if (Location is not null)
        {
            response.Headers.Location = Location;
            response.Headers["Content-Location"] = Location;
        }

        if (Resource is null && StoredJson is null)
        {
            return;
        }

        FhirFormat format;
        try
        {
            format = FhirMediaTypes.ResponseFormat(httpContext.Request);
        }
        catch (PatientVoice.Fhir.Errors.NotAcceptableException)
        {
            // Only an error response gets here (FormatNegotiationFilter refuses the request up front): say it in JSON.
            format = FhirFormat.Json;
        }

        var pretty = FhirMediaTypes.IsPretty(httpContext.Request);
        string body;
        if (Resource is not null)
        {
            body = FhirSerializer.Serialize(Resource, format, pretty);
        }
        else if (ApplyView && ResourceView.FromQuery(httpContext.Request.Query) is { IsWhole: false } view)
        {
            body = view.Render(StoredJson!, format, pretty);
        }
        else if (format == FhirFormat.Json)
        {
            body = pretty ? FhirSerializer.IndentJson(StoredJson!) : StoredJson!;
        }
        else
        {
            body = ResourceView.Whole.Render(StoredJson!, format, pretty);
        }

        response.ContentType = FhirMediaTypes.ContentType(format);
        await response.WriteAsync(body, httpContext.RequestAborted);
    }

    public static string ETag(int versionId) => $"W/\"{versionId.ToString(CultureInfo.InvariantCulture)}\"";
}
