using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Diagnostics;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Serialization;

namespace PatientVoice.Sandbox.Ehr;

/// <summary>The one place where a failure on the FHIR endpoint becomes a status code and an OperationOutcome.</summary>
internal sealed class EhrOperationOutcomeHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var (status, outcome) = exception switch
        {
            FhirException fhir => (fhir.StatusCode, fhir.ToOperationOutcome()),
            _ when httpContext.Request.Path.StartsWithSegments("/fhir") => (500, new OperationOutcome
            {
                Issue = [new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Fatal, Code = OperationOutcome.IssueType.Exception, Diagnostics = "Internal error." }],
            }),
            _ => (0, null),
        };
        if (outcome is null)
        {
            return false;
        }

        httpContext.Response.StatusCode = status;
        httpContext.Response.ContentType = EhrFhirEndpoints.FhirJson;
        await httpContext.Response.WriteAsync(FhirSerializer.ToJson(outcome), cancellationToken);
        return true;
    }
}
