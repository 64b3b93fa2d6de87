using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Errors;

/// <summary>One problem to report in an OperationOutcome: what kind, what is wrong, and where (FHIRPath).</summary>
public sealed record FhirIssue(
    OperationOutcome.IssueType Code,
    string Diagnostics,
    string? Expression = null,
    OperationOutcome.IssueSeverity Severity = OperationOutcome.IssueSeverity.Error);
