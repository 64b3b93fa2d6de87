using Hl7.Fhir.Model;
using PatientVoice.Fhir.Questionnaires.Extract;

namespace PatientVoice.Application.Clinicians.Summary;

/// <summary>
/// Who wrote each submission: the Provenance of the submission (agent <c>author</c> a Patient or RelatedPerson, an
/// <c>enterer</c> when staff typed), else what the response says (its author and the respondent answer).
/// </summary>
internal static class SubmissionAuthorship
{
    public static Authorship Of(QuestionnaireResponse response, Provenance? provenance)
    {
        var when = SummaryText.When(response);
        if (provenance is not null)
        {
            var author = provenance.Agent.FirstOrDefault(a => a.Type?.Coding.Any(c => c.Code == "author") == true) ?? provenance.Agent.FirstOrDefault();
            var who = author?.Who?.Reference;
            var enterer = provenance.Agent.FirstOrDefault(a => a.Type?.Coding.Any(c => c.Code == "enterer") == true);
            var by = who?.StartsWith("RelatedPerson/", StringComparison.Ordinal) == true ? WrittenBy.FamilyMember
                : enterer is not null ? WrittenBy.PatientHelpedByStaff
                : WrittenBy.Patient;
            return new Authorship(by, who, when)
            {
                HelpedBy = by == WrittenBy.PatientHelpedByStaff ? enterer?.Who?.Reference : null,
                HelpedByDisplay = by == WrittenBy.PatientHelpedByStaff ? enterer?.Who?.Display : null,
            };
        }

        var context = ExtractionContext.For(EnsureId(response));
        var fromResponse = context.Respondent switch
        {
            Respondent.RelatedPerson => WrittenBy.FamilyMember,
            Respondent.PatientHelpedByStaff => WrittenBy.PatientHelpedByStaff,
            _ => WrittenBy.Patient,
        };
        return new Authorship(fromResponse, context.Author.Reference, when)
        {
            HelpedBy = fromResponse == WrittenBy.PatientHelpedByStaff ? context.StaffHelper?.Reference : null,
            HelpedByDisplay = fromResponse == WrittenBy.PatientHelpedByStaff ? context.StaffHelper?.Display : null,
        };
    }

    /// <summary>Who expressed a goal that no submission of ours produced (an integrator's): from <c>expressedBy</c>.</summary>
    public static Authorship OfGoal(Goal goal) => new(
        goal.ExpressedBy?.Reference?.StartsWith("RelatedPerson/", StringComparison.Ordinal) == true ? WrittenBy.FamilyMember : WrittenBy.Patient,
        goal.ExpressedBy?.Reference,
        goal.Meta?.LastUpdated);

    private static QuestionnaireResponse EnsureId(QuestionnaireResponse response) =>
        string.IsNullOrEmpty(response.Id) ? new QuestionnaireResponse { Id = "unsaved", Author = response.Author, Source = response.Source, Subject = response.Subject, Item = response.Item } : response;
}
