using Hl7.Fhir.Model;
using PatientVoice.Application.Validation;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Questionnaires;

namespace PatientVoice.Application.Submit;

/// <summary>
/// What the server itself says on every QuestionnaireResponse it stores, whatever the door (API, Bundle, patient page):
/// <list type="bullet">
/// <item>The questionnaire it answers, resolved as SDC does: a bare canonical of someone else's questionnaire names
/// the only or newest stored version, and the response records <c>url|version</c> of the one used. Our own
/// questionnaires' responses must name their version (invariant pv-qr-1 of our response profile refuses them).</item>
/// <item>The safety flag (<see cref="ReviewFlag"/>, docs/adr/0013): set or cleared from the free text of a submitted
/// response; never taken from the client, so a draft carries none.</item>
/// <item>A submission typed by staff records the patient's words: its source is its subject (<see cref="StaffEntry"/>).</item>
/// </list>
/// </summary>
public sealed class ResponseRules(QuestionnaireLookup questionnaires, SafetyTerms safetyTerms)
{
    /// <summary>Canonicals of the questionnaires PatientVoice ships (and whose responses name their version).</summary>
    public const string OwnQuestionnaires = DefaultProfileRule.Canonical + "/Questionnaire/";

    public static bool IsSubmission(Resource resource) => resource is QuestionnaireResponse
    {
        Status: QuestionnaireResponse.QuestionnaireResponseStatus.Completed or QuestionnaireResponse.QuestionnaireResponseStatus.Amended,
    };

    /// <summary>Applies both rules to <paramref name="response"/> in place; true when it is flagged for review.</summary>
    public async Task<bool> ApplyAsync(QuestionnaireResponse response, CancellationToken cancellationToken)
    {
        await PinQuestionnaireAsync(response, cancellationToken);
        if (IsSubmission(response))
        {
            StaffEntry.Check(response);
        }

        return IsSubmission(response) ? ReviewFlag.Apply(response, safetyTerms) : ReviewFlag.Clear(response);
    }

    private async Task PinQuestionnaireAsync(QuestionnaireResponse response, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(response.Questionnaire)
            || QuestionnaireCanonical.Parse(response.Questionnaire).Version is not null
            || response.Questionnaire.StartsWith(OwnQuestionnaires, StringComparison.Ordinal))
        {
            return;
        }

        if (await questionnaires.FindAsync(response.Questionnaire, cancellationToken) is { Version: { Length: > 0 } version })
        {
            response.Questionnaire = new QuestionnaireCanonical(QuestionnaireCanonical.Parse(response.Questionnaire).Url, version).ToString();
        }
    }
}
