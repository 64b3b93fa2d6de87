using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Fhir.Validation;

/// <summary>What validation found. Valid when nothing is an error or fatal; warnings and information may remain.</summary>
public sealed record ValidationReport(IReadOnlyList<FhirIssue> Issues)
{
    public static ValidationReport Valid { get; } = new([]);

    public bool IsValid => !Errors.Any();

    public IEnumerable<FhirIssue> Errors => Issues.Where(i =>
        i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal);

    public ValidationReport Merge(ValidationReport other) => new([.. Issues, .. other.Issues]);
}
