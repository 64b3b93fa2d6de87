using PatientVoice.Application.Goals;
using Microsoft.Extensions.Localization;
using PatientVoice.Application.Submit;

using PatientVoice.Web.Presentation;

namespace PatientVoice.Web.Patients.MyCopy;

/// <summary>Reads <see cref="MyCopyContent"/> for the patient of the session, in the page language and the reader's time zone.</summary>
public sealed class MyCopyReader(PatientGoals goals, PatientObservations observations, PatientResponses responses, PatientQuestionnaires questionnaires, TimeProvider time, IStringLocalizer<PatientText> T)
{
    public async Task<MyCopyContent> ReadAsync(PatientContext patient, ReaderTimeZone timeZone, CancellationToken cancellationToken)
    {
        var printedAt = time.GetUtcNow();
        var patientGoals = (await goals.ListAsync(patient.Actor, cancellationToken)).Select(g => g.Goal).ToList();
        var preferences = await observations.PreferencesAsync(patient, cancellationToken);
        var selfKnowledge = await observations.SelfKnowledgeAsync(patient, cancellationToken);
        var shared = new List<SharedAnswers>();
        foreach (var (response, stored) in (await responses.AllAsync(patient, cancellationToken)).Where(r => SubmissionService.IsSubmission(r.Response)))
        {
            var questionnaire = await questionnaires.ForResponseAsync(response, cancellationToken);
            var localized = questionnaire is null ? null : QuestionnaireLocalizer.Localize(questionnaire.Questionnaire, PatientText.Language);
            shared.Add(new SharedAnswers(
                localized?.Title ?? T["AQuestionnaire"],
                stored.LastUpdated,
                response.Author?.Reference?.StartsWith("RelatedPerson/", StringComparison.Ordinal) == true,
                AnswerSummary.Of(response, questionnaire?.Questionnaire, PatientText.Language, T["Yes"], T["No"])));
        }

        return new MyCopyContent(patient.PatientName, printedAt, timeZone, patientGoals, preferences, selfKnowledge, shared);
    }
}
