using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Sandbox.Ehr;

/// <summary>403: the token is valid but its scopes do not allow this interaction on this resource.</summary>
public sealed class ScopeForbiddenException(string diagnostics)
    : FhirException(403, OperationOutcome.IssueType.Forbidden, diagnostics);
