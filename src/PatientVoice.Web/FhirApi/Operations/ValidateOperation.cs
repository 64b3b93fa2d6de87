using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Storage;
using PatientVoice.Web.FhirApi.Formats;
using PatientVoice.Application.Validation;

namespace PatientVoice.Web.FhirApi.Operations;

/// <summary>
/// <c>$validate</c> at type and instance level, as the FHIR spec defines it: the resource (or a Parameters
/// with <c>resource</c>, <c>mode</c> and <c>profile</c>), answered with an OperationOutcome (200) whose
/// issues say what is wrong and where. Nothing is stored.
/// </summary>
public static class ValidateOperation
{
    public static void Map(RouteGroupBuilder fhir)
    {
        fhir.MapPost("/{type}/$validate", (string type, HttpRequest request, FhirRequestBody body, ResourceValidation validation, IResourceStore store, CancellationToken ct)
            => ValidateAsync(type, null, request, body, validation, store, ct)).WithName("validate-type").WithSummary("Validate a resource ($validate)");
        fhir.MapPost("/{type}/{id}/$validate", (string type, string id, HttpRequest request, FhirRequestBody body, ResourceValidation validation, IResourceStore store, CancellationToken ct)
            => ValidateAsync(type, id, request, body, validation, store, ct)).WithName("validate-instance").WithSummary("Validate a resource as an update or delete of this one ($validate)");
        fhir.MapGet("/{type}/{id}/$validate", (string type, string id, HttpRequest request, ResourceValidation validation, IResourceStore store, CancellationToken ct)
            => ValidateStoredAsync(type, id, request, validation, store, ct)).WithName("validate-stored").WithSummary("Validate the stored resource ($validate)");
    }

    private static async Task<IResult> ValidateAsync(string type, string? id, HttpRequest request, FhirRequestBody body, ResourceValidation validation, IResourceStore store, CancellationToken cancellationToken)
    {
        FhirRequest.RequireType(type);
        var input = await body.ReadAsync(request, cancellationToken);
        var (resource, mode, profiles) = Arguments(input, request);
        switch (mode)
        {
            case "delete":
                if (id is null)
                {
                    throw new BadRequestException("mode=delete needs the id of the resource: POST [type]/[id]/$validate.", "mode");
                }

                var current = await store.ReadAsync(type, id, cancellationToken);
                return Outcome(current is { IsDeleted: false }
                    ? [new FhirIssue(OperationOutcome.IssueType.Informational, $"{type}/{id} can be deleted.", Severity: OperationOutcome.IssueSeverity.Information)]
                    : [new FhirIssue(OperationOutcome.IssueType.NotFound, $"{type}/{id} does not exist or is already deleted.", Severity: OperationOutcome.IssueSeverity.Warning)]);
            case "create" or "update" or "profile" or null:
                break;
            default:
                throw new BadRequestException($"mode must be create, update, delete or profile, not '{mode}'.", "mode");
        }

        if (resource is null)
        {
            throw new BadRequestException("$validate needs a resource: the body itself, or a Parameters with a 'resource' parameter.", "resource");
        }

        if (resource.TypeName != type)
        {
            throw new BadRequestException($"The resource is a {resource.TypeName}, but the URL is for {type}.", "resourceType");
        }

        var issues = new List<FhirIssue>();
        if (mode == "update" && (id is null || resource.Id != id))
        {
            issues.Add(new FhirIssue(OperationOutcome.IssueType.Invalid, id is null
                ? "mode=update needs the id of the resource: POST [type]/[id]/$validate."
                : $"An update of {type}/{id} must carry that id; the resource has '{resource.Id}'.", $"{type}.id"));
        }

        var report = await validation.ValidateAsync(resource, profiles, cancellationToken);
        issues.AddRange(report.Issues);
        return Outcome(issues);
    }

    private static async Task<IResult> ValidateStoredAsync(string type, string id, HttpRequest request, ResourceValidation validation, IResourceStore store, CancellationToken cancellationToken)
    {
        FhirRequest.RequireType(type);
        var stored = await store.ReadAsync(type, id, cancellationToken);
        if (stored is null || stored.Json is null)
        {
            throw stored is null ? new ResourceNotFoundException($"{type}/{id} is not known.") : new ResourceGoneException($"{type}/{id} was deleted.");
        }

        var resource = PatientVoice.Fhir.Serialization.FhirResourceParser.Parse(stored.Json, PatientVoice.Fhir.Serialization.FhirFormat.Json);
        var report = await validation.ValidateAsync(resource, request.Query["profile"].Where(p => !string.IsNullOrEmpty(p)).Select(p => p!), cancellationToken);
        return Outcome(report.Issues);
    }

    private static (Resource? Resource, string? Mode, List<string> Profiles) Arguments(Resource input, HttpRequest request)
    {
        var profiles = request.Query["profile"].Where(p => !string.IsNullOrEmpty(p)).Select(p => p!).ToList();
        string? mode = request.Query["mode"];
        if (input is not Parameters parameters)
        {
            return (input, mode, profiles);
        }

        Resource? resource = null;
        foreach (var parameter in parameters.Parameter)
        {
            switch (parameter.Name)
            {
                case "resource":
                    resource = parameter.Resource;
                    break;
                case "mode":
                    mode = parameter.Value?.ToString();
                    break;
                case "profile":
                    if (parameter.Value?.ToString() is { Length: > 0 } profile)
                    {
                        profiles.Add(profile);
                    }

                    break;
            }
        }

        return (resource, mode, profiles);
    }

    private static FhirResult Outcome(IReadOnlyList<FhirIssue> issues)
    {
        var outcome = new OperationOutcome();
        foreach (var issue in issues.OrderBy(i => i.Severity))
        {
            outcome.Issue.Add(issue.ToComponent());
        }

        if (!outcome.Issue.Any(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal))
        {
            outcome.Issue.Insert(0, new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Information,
                Code = OperationOutcome.IssueType.Informational,
                Diagnostics = "Validation found no errors.",
            });
        }

        return FhirResult.Of(StatusCodes.Status200OK, outcome);
    }
}
