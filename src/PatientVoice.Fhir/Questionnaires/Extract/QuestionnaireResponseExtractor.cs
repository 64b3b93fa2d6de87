using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Fhir.Questionnaires.Extract;

/// <summary>
/// SDC $extract for a completed or amended QuestionnaireResponse: definition-based (definitionExtract,
/// definitionExtractValue, extractAllocateId, item.definition, the legacy itemExtractionContext) and observation-based
/// (observationExtract, observation-extract-category) extraction, plus what every PatientVoice submission records: the
/// patient note DocumentReference, the Provenance and the response's narrative. Every extracted resource carries a stable
/// identifier (<see cref="ExtractedIdentifiers"/>), so <see cref="ToTransaction"/> can update rather than duplicate.
/// Validate the response first (profile and QuestionnaireResponseValidator); extraction does not. Singleton, thread-safe.
/// </summary>
public sealed class QuestionnaireResponseExtractor
{
    private readonly ExtractionExpressions _expressions = new();

    public ExtractionResult Extract(QuestionnaireResponse response, Questionnaire questionnaire, ExtractionContext context)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(questionnaire);
        ArgumentNullException.ThrowIfNull(context);

        var run = new ExtractionRun(_expressions, response, questionnaire, context);
        var built = run.Run().ToList();
        var issues = run.Issues;
        CheckRespondent(response, context, issues);

        DocumentReference? note = null;
        if (SubmissionRecords.PatientNote(response, questionnaire, context) is { } noteBuilder)
        {
            ExtractedIdentifiers.TryAssign(noteBuilder.Resource, ExtractedIdentifiers.Create(noteBuilder.IdentifierValue));
            note = (DocumentReference)noteBuilder.Resource;
            built.Add(noteBuilder);
        }

        var resources = built.Select(b => new ExtractedResource(b.Resource, b.IdentifierValue, b.FullUrl)).ToList();
        // Nothing extracted (nothing answered that the form turns into a record): no Provenance, which must have a target.
        var (provenance, provenanceUrl) = resources.Count == 0 ? default : SubmissionRecords.Provenance(response, context, resources);
        var result = new ExtractionResult(context.ResponseId, resources, provenance, note, PatientNoteWriter.Narrative(response, questionnaire), issues)
        {
            ResponseVersionId = context.ResponseVersionId,
        };
        return provenanceUrl is null ? result : result with { ProvenanceFullUrl = provenanceUrl };
    }

    /// <summary>
    /// The SDC transaction Bundle: a conditional PUT (<c>Goal?identifier=system|value</c>) per extracted resource, so
    /// amending updates and a retry changes nothing; the Provenance as a POST (conditional on the response version when
    /// known); urn:uuid fullUrls that the Provenance and panel Observations refer to. With <paramref name="response"/>,
    /// the response itself (its narrative set) goes first as <c>PUT QuestionnaireResponse/{id}</c>: one transaction for
    /// the whole submission.
    /// </summary>
    public Bundle ToTransaction(ExtractionResult result, QuestionnaireResponse? response = null) =>
        ExtractionTransaction.Create(result, response);

    private static void CheckRespondent(QuestionnaireResponse response, ExtractionContext context, List<FhirIssue> issues)
    {
        var authorIsRelated = context.Author.Reference?.StartsWith("RelatedPerson/", StringComparison.Ordinal) == true;
        var saysRelated = context.Respondent == Respondent.RelatedPerson;
        if (authorIsRelated != saysRelated)
        {
            issues.Add(new FhirIssue(
                OperationOutcome.IssueType.BusinessRule,
                saysRelated
                    ? "The response says a family member or friend filled it in, but its author is not a RelatedPerson."
                    : "The response's author is a RelatedPerson, but the response says the patient filled it in.",
                "QuestionnaireResponse.author",
                OperationOutcome.IssueSeverity.Warning));
        }

        // Who the Provenance names as the author of the answers (the response's author, else its source, else its subject):
        // a Patient or a RelatedPerson, as our Provenance profile requires (pv-prov-1). Said here, about the response,
        // rather than as an error about a Provenance the client never sent.
        var who = context.Author.Reference;
        if (who is null || !(who.Contains("Patient/", StringComparison.Ordinal) || who.Contains("RelatedPerson/", StringComparison.Ordinal)))
        {
            // Reported at the element the author was taken from.
            var element = who is not null && who == response.Source?.Reference ? "source"
                : who is not null && who == response.Subject?.Reference ? "subject"
                : "author";
            issues.Add(new FhirIssue(OperationOutcome.IssueType.BusinessRule,
                "The response does not say which patient or family member gave these answers: its author, or when staff typed it its source or subject, must be a Patient or RelatedPerson reference.",
                $"QuestionnaireResponse.{element}"));
        }

        if (response.Subject is null)
        {
            issues.Add(new FhirIssue(OperationOutcome.IssueType.Required,
                "The response has no subject: extracted resources have no patient.", "QuestionnaireResponse.subject"));
        }
    }
}
