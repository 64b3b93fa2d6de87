using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Web.Security;

/// <summary>401: no valid bearer token reached an interaction that needs one.</summary>
public sealed class AuthenticationRequiredException(string diagnostics)
    : FhirException(StatusCodes.Status401Unauthorized, OperationOutcome.IssueType.Login, diagnostics);
