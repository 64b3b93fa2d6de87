using Hl7.Fhir.Model;
using Microsoft.Extensions.Localization;
using PatientVoice.Web.Patients;
using PatientVoice.Web.Submissions;

namespace PatientVoice.Web.Pages.Patient;

/// <summary>"My copy": everything the patient shared, on one printable page (print CSS; no PDF).</summary>
public sealed class MyCopyModel(PatientContextAccessor contexts, PatientGoals goals, PatientObservations observations, PatientResponses responses, PatientQuestionnaires questionnaires, IStringLocalizer<PatientText> T)
    : PatientPageModel(contexts)
{
    public IReadOnlyList<Goal> Goals { get; private set; } = [];

    public IReadOnlyList<PatientStatement> Preferences { get; private set; } = [];

    public IReadOnlyList<PatientStatement> SelfKnowledge { get; private set; } = [];

    public IReadOnlyList<SharedAnswers> Submissions { get; private set; } = [];

    public DateTimeOffset PrintedAt { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        PrintedAt = DateTimeOffset.UtcNow;
        Goals = (await goals.ListAsync(Patient, cancellationToken)).Select(g => g.Goal).ToList();
        Preferences = await observations.PreferencesAsync(Patient, cancellationToken);
        SelfKnowledge = await observations.SelfKnowledgeAsync(Patient, cancellationToken);
        var shared = new List<SharedAnswers>();
        foreach (var (response, stored) in (await responses.AllAsync(Patient, cancellationToken)).Where(r => SubmissionService.IsSubmission(r.Response)))
        {
            var questionnaire = await questionnaires.ForResponseAsync(response, cancellationToken);
            var localized = questionnaire is null ? null : QuestionnaireLocalizer.Localize(questionnaire.Questionnaire, PatientText.Language);
            shared.Add(new SharedAnswers(
                localized?.Title ?? T["AQuestionnaire"],
                stored.LastUpdated,
                response.Author?.Reference?.StartsWith("RelatedPerson/", StringComparison.Ordinal) == true,
                AnswerSummary.Of(response, questionnaire?.Questionnaire, PatientText.Language, T["Yes"], T["No"])));
        }

        Submissions = shared;
    }
}

/// <summary>One submission in "My copy".</summary>
public sealed record SharedAnswers(string Title, DateTimeOffset When, bool ByFamily, IReadOnlyList<AnsweredQuestion> Answers);
