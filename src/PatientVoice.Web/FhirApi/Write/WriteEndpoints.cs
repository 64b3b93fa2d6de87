using PatientVoice.Application.Interactions;
using PatientVoice.Application.Write;
using PatientVoice.Web.FhirApi.Formats;

namespace PatientVoice.Web.FhirApi.Write;

/// <summary>create, update, delete and their conditional forms: each parses the request, calls <see cref="ResourceWrites"/>, renders.</summary>
public static class WriteEndpoints
{
    public static void Map(RouteGroupBuilder fhir)
    {
        fhir.MapPost("/{type}", CreateAsync).WithName("create").WithSummary("Create a resource (If-None-Exist for a conditional create)");
        fhir.MapPut("/{type}/{id}", UpdateAsync).WithName("update").WithSummary("Update a resource, or create it with this id (If-Match for a versioned update)");
        fhir.MapPut("/{type}", ConditionalUpdateAsync).WithName("conditional-update").WithSummary("Update the one resource that matches the search parameters, or create it");
        fhir.MapDelete("/{type}/{id}", DeleteAsync).WithName("delete").WithSummary("Delete a resource (adds a tombstone version)");
        fhir.MapDelete("/{type}", ConditionalDeleteAsync).WithName("conditional-delete").WithSummary("Delete the one resource that matches the search parameters");
    }

    private static async Task<IResult> CreateAsync(string type, HttpRequest request, FhirRequestBody body, ResourceWrites writes, CancellationToken cancellationToken)
    {
        SearchCriteria.RequireType(type);
        var resource = await body.ReadAsync(request, cancellationToken);
        ResourceWriter.RequireSameType(type, resource);
        return WriteResponses.For(request, await writes.CreateAsync(resource, request.Headers["If-None-Exist"].ToString(), cancellationToken));
    }

    private static async Task<IResult> UpdateAsync(string type, string id, HttpRequest request, FhirRequestBody body, ResourceWrites writes, CancellationToken cancellationToken)
    {
        SearchCriteria.RequireType(type);
        var ifMatch = FhirRequest.IfMatch(request);
        var resource = await body.ReadAsync(request, cancellationToken);
        return WriteResponses.For(request, await writes.UpdateAsync(type, id, resource, ifMatch, cancellationToken));
    }

    private static async Task<IResult> ConditionalUpdateAsync(string type, HttpRequest request, FhirRequestBody body, ResourceWrites writes, CancellationToken cancellationToken)
    {
        SearchCriteria.RequireType(type);
        var ifMatch = FhirRequest.IfMatch(request);
        var criteria = CriteriaFrom(request);
        var resource = await body.ReadAsync(request, cancellationToken);
        return WriteResponses.For(request, await writes.ConditionalUpdateAsync(type, criteria, resource, ifMatch, cancellationToken));
    }

    private static async Task<IResult> DeleteAsync(string type, string id, HttpRequest request, ResourceWrites writes, CancellationToken cancellationToken)
    {
        SearchCriteria.RequireType(type);
        var deleted = await writes.DeleteAsync(type, id, FhirRequest.IfMatch(request), cancellationToken);
        return WriteResponses.ForDelete(request, deleted, $"{type}/{id}");
    }

    private static async Task<IResult> ConditionalDeleteAsync(string type, HttpRequest request, ResourceWrites writes, CancellationToken cancellationToken)
    {
        SearchCriteria.RequireType(type);
        var deleted = await writes.ConditionalDeleteAsync(type, CriteriaFrom(request), cancellationToken);
        return WriteResponses.ForDelete(request, deleted, $"{type}?{request.QueryString}");
    }

    // Formatting parameters say how to answer, not what to select.
    private static List<KeyValuePair<string, string>> CriteriaFrom(HttpRequest request)
        => FhirRequest.QueryPairs(request.Query).Where(p => p.Key is not ("_format" or "_pretty")).ToList();
}
