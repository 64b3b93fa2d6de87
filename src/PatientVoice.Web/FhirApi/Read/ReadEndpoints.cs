using PatientVoice.Fhir.Errors;
using PatientVoice.Storage;

namespace PatientVoice.Web.FhirApi.Read;

/// <summary>read and vread, with the conditional read headers (If-None-Match, If-Modified-Since).</summary>
public static class ReadEndpoints
{
    public static void Map(RouteGroupBuilder fhir)
    {
        fhir.MapGet("/{type}/{id}", ReadAsync).WithName("read").WithSummary("Read the current version of a resource");
        fhir.MapGet("/{type}/{id}/_history/{versionId}", VReadAsync).WithName("vread").WithSummary("Read one version of a resource");
    }

    private static async Task<IResult> ReadAsync(string type, string id, HttpRequest request, IResourceStore store, CancellationToken cancellationToken)
    {
        FhirRequest.RequireType(type);
        var current = await store.ReadAsync(type, id, cancellationToken)
            ?? throw new ResourceNotFoundException($"{type}/{id} is not known.");
        if (current.IsDeleted)
        {
            throw new ResourceGoneException($"{type}/{id} was deleted (version {current.VersionId}, {current.LastUpdated:O}).");
        }

        return NotModified(request, current) ? FhirResult.Stored(StatusCodes.Status304NotModified, current, withBody: false) : FhirResult.Stored(StatusCodes.Status200OK, current);
    }

    private static async Task<IResult> VReadAsync(string type, string id, string versionId, HttpRequest request, IResourceStore store, CancellationToken cancellationToken)
    {
        FhirRequest.RequireType(type);
        if (!int.TryParse(versionId, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version) || version < 1)
        {
            throw new ResourceNotFoundException($"'{versionId}' is not a version of {type}/{id}.");
        }

        var stored = await store.ReadVersionAsync(type, id, version, cancellationToken)
            ?? throw new ResourceNotFoundException($"{type}/{id} has no version {version}.");
        if (stored.IsDeleted)
        {
            throw new ResourceGoneException($"Version {version} of {type}/{id} is its deletion.");
        }

        return FhirResult.Stored(StatusCodes.Status200OK, stored);
    }

    private static bool NotModified(HttpRequest request, StoredResource current)
    {
        var ifNoneMatch = request.Headers.IfNoneMatch.ToString();
        if (!string.IsNullOrWhiteSpace(ifNoneMatch))
        {
            return ifNoneMatch.Split(',').Any(tag => tag.Trim() == "*" || SafeVersion(tag) == current.VersionId);
        }

        var since = request.GetTypedHeaders().IfModifiedSince;
        return since is { } s && current.LastUpdated.ToUnixTimeSeconds() <= s.ToUnixTimeSeconds();
    }

    private static int? SafeVersion(string tag)
    {
        try
        {
            return FhirRequest.ParseETag(tag, "If-None-Match");
        }
        catch (BadRequestException)
        {
            return null;
        }
    }
}
