using PatientVoice.Application.Write;
using Hl7.Fhir.Model;
using PatientVoice.Storage;
using PatientVoice.Web.FhirApi.Errors;

namespace PatientVoice.Web.FhirApi.Write;

/// <summary>Shapes the response of a write as the client's Prefer header asks.</summary>
public static class WriteResponses
{
    public static FhirResult For(HttpRequest request, WriteOutcome outcome)
    {
        var stored = outcome.Stored;
        var status = outcome.Created ? StatusCodes.Status201Created : StatusCodes.Status200OK;
        var location = $"{FhirRequest.BaseUrl(request)}/{stored.ResourceType}/{stored.Id}/_history/{stored.VersionId}";
        return FhirRequest.PreferredReturn(request) switch
        {
            "minimal" => FhirResult.Stored(status, stored, withBody: false, location),
            "OperationOutcome" => FhirResult.StoredWithOutcome(status, stored, Describe(outcome), location),
            _ => FhirResult.Stored(status, stored, withBody: true, location),
        };
    }

    public static FhirResult ForDelete(HttpRequest request, StoredResource? deleted, string what)
    {
        if (FhirRequest.PreferredReturn(request) == "OperationOutcome")
        {
            var message = deleted is null ? $"{what}: nothing to delete." : $"Deleted {deleted.ResourceType}/{deleted.Id} (version {deleted.VersionId}).";
            var outcome = OperationOutcomeExceptionHandler.Outcome(OperationOutcome.IssueType.Informational, message, OperationOutcome.IssueSeverity.Information);
            return deleted is null ? FhirResult.Of(StatusCodes.Status200OK, outcome) : FhirResult.StoredWithOutcome(StatusCodes.Status200OK, deleted, outcome, null);
        }

        return deleted is null ? FhirResult.Empty(StatusCodes.Status204NoContent) : FhirResult.Stored(StatusCodes.Status204NoContent, deleted, withBody: false);
    }

    public static OperationOutcome Describe(WriteOutcome outcome)
    {
        var stored = outcome.Stored;
        var verb = outcome.Created switch
        {
            true => "Created",
            _ when stored.Method == "PUT" => "Updated",
            _ => "Found existing",
        };
        return OperationOutcomeExceptionHandler.Outcome(
            OperationOutcome.IssueType.Informational,
            $"{verb} {stored.ResourceType}/{stored.Id} (version {stored.VersionId}).",
            OperationOutcome.IssueSeverity.Information);
    }
}
