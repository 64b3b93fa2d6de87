using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Web.Security;

/// <summary>403: the token is valid, but its scopes do not grant this interaction on something it may see.</summary>
public sealed class AccessDeniedException(string diagnostics)
    : FhirException(StatusCodes.Status403Forbidden, OperationOutcome.IssueType.Forbidden, diagnostics);
