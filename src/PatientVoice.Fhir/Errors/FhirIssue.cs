using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Errors;

/// <summary>One problem to report in an OperationOutcome: what kind, what is wrong, and where (FHIRPath).</summary>
public sealed record FhirIssue(
    OperationOutcome.IssueType Code,
    string Diagnostics,
    string? Expression = null,
    OperationOutcome.IssueSeverity Severity = OperationOutcome.IssueSeverity.Error)
{
    /// <summary>This issue as an OperationOutcome issue.</summary>
    public OperationOutcome.IssueComponent ToComponent() => new()
    {
        Severity = Severity,
        Code = Code,
        Diagnostics = Diagnostics,
        Expression = Expression is null ? [] : [Expression],
    };

    /// <summary>
    /// <paramref name="issues"/> as an OperationOutcome; with none, an informational issue saying
    /// <paramref name="whenNone"/> (an OperationOutcome must hold at least one issue).
    /// </summary>
    public static OperationOutcome ToOperationOutcome(IEnumerable<FhirIssue> issues, string whenNone)
    {
        var outcome = new OperationOutcome { Issue = issues.Select(i => i.ToComponent()).ToList() };
        if (outcome.Issue.Count == 0)
        {
            outcome.Issue.Add(new OperationOutcome.IssueComponent
            {
                Severity = OperationOutcome.IssueSeverity.Information,
                Code = OperationOutcome.IssueType.Informational,
                Diagnostics = whenNone,
            });
        }

        return outcome;
    }
}
