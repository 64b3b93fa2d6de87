using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Fhir.Questionnaires.Populate;

/// <summary>A populated, <c>in-progress</c> response and what could not be filled (never thrown: a form may be partly fillable).</summary>
public sealed record PopulateResult(QuestionnaireResponse Response, IReadOnlyList<FhirIssue> Issues)
{
    /// <summary>The issues as the $populate <c>issues</c> OperationOutcome (an informational issue when there is nothing to tell).</summary>
    public OperationOutcome ToOperationOutcome()
        => FhirIssue.ToOperationOutcome(Issues, "Everything the Questionnaire asks to pre-fill was filled.");
}
