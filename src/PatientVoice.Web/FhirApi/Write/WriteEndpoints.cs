using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Storage;
using PatientVoice.Web.FhirApi.Formats;
using PatientVoice.Web.Submissions;

namespace PatientVoice.Web.FhirApi.Write;

/// <summary>create, update, delete and their conditional forms.</summary>
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

    private static async Task<IResult> CreateAsync(string type, HttpRequest request, FhirRequestBody body, IResourceStore store, ResourceWriter writer, SubmissionService submissions, CancellationToken cancellationToken)
    {
        FhirRequest.RequireType(type);
        var resource = await body.ReadAsync(request, cancellationToken);
        if (resource.TypeName != type)
        {
            throw new BadRequestException($"The body is a {resource.TypeName}, but the URL is for {type}.", "resourceType");
        }

        if (SubmissionService.IsSubmission(resource) && string.IsNullOrEmpty(request.Headers["If-None-Exist"]))
        {
            return WriteResponses.For(request, await submissions.SubmitAsync(request, (QuestionnaireResponse)resource, null, create: true, cancellationToken));
        }

        return await WriteAsync(request, resource, store, writer, (session, prepared) => writer.CreateAsync(session, prepared, request.Headers["If-None-Exist"].ToString(), cancellationToken), cancellationToken);
    }

    private static async Task<IResult> UpdateAsync(string type, string id, HttpRequest request, FhirRequestBody body, IResourceStore store, ResourceWriter writer, SubmissionService submissions, CancellationToken cancellationToken)
    {
        FhirRequest.RequireType(type);
        var ifMatch = FhirRequest.IfMatch(request);
        var resource = await body.ReadAsync(request, cancellationToken);
        ResourceWriter.RequireTarget(type, id, resource);
        if (SubmissionService.IsSubmission(resource))
        {
            return WriteResponses.For(request, await submissions.SubmitAsync(request, (QuestionnaireResponse)resource, ifMatch, create: false, cancellationToken));
        }

        return await WriteAsync(request, resource, store, writer, (session, prepared) => writer.UpdateAsync(session, type, id, prepared, ifMatch, cancellationToken), cancellationToken);
    }

    private static async Task<IResult> ConditionalUpdateAsync(string type, HttpRequest request, FhirRequestBody body, IResourceStore store, ResourceWriter writer, CancellationToken cancellationToken)
    {
        FhirRequest.RequireType(type);
        var ifMatch = FhirRequest.IfMatch(request);
        var criteria = CriteriaFrom(request);
        var resource = await body.ReadAsync(request, cancellationToken);
        ResourceWriter.RequireSameType(type, resource);
        return await WriteAsync(request, resource, store, writer, (session, prepared) => writer.ConditionalUpdateAsync(session, type, criteria, prepared, ifMatch, cancellationToken), cancellationToken);
    }

    private static async Task<IResult> DeleteAsync(string type, string id, HttpRequest request, IResourceStore store, ResourceWriter writer, CancellationToken cancellationToken)
    {
        FhirRequest.RequireType(type);
        var ifMatch = FhirRequest.IfMatch(request);
        await using var session = await store.BeginWriteAsync(cancellationToken);
        var deleted = await writer.DeleteAsync(session, type, id, ifMatch, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return WriteResponses.ForDelete(request, deleted, $"{type}/{id}");
    }

    private static async Task<IResult> ConditionalDeleteAsync(string type, HttpRequest request, IResourceStore store, ResourceWriter writer, CancellationToken cancellationToken)
    {
        FhirRequest.RequireType(type);
        var criteria = CriteriaFrom(request);
        await using var session = await store.BeginWriteAsync(cancellationToken);
        var deleted = await writer.ConditionalDeleteAsync(session, type, criteria, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return WriteResponses.ForDelete(request, deleted, $"{type}?{request.QueryString}");
    }

    // Validate and index outside the store's writer turn, then one transaction for the write itself.
    private static async Task<IResult> WriteAsync(HttpRequest request, Resource resource, IResourceStore store, ResourceWriter writer,
        Func<IResourceWriteSession, PreparedResource, Task<WriteOutcome>> write, CancellationToken cancellationToken)
    {
        var prepared = await writer.PrepareAsync(resource, cancellationToken);
        await using var session = await store.BeginWriteAsync(cancellationToken);
        var outcome = await write(session, prepared);
        await session.CommitAsync(cancellationToken);
        return WriteResponses.For(request, outcome);
    }

    // Formatting parameters say how to answer, not what to select.
    private static List<KeyValuePair<string, string>> CriteriaFrom(HttpRequest request)
        => FhirRequest.QueryPairs(request.Query).Where(p => p.Key is not ("_format" or "_pretty")).ToList();
}
