using Microsoft.AspNetCore.Mvc;
using PatientVoice.Application.Submit;
using PatientVoice.Web.Patients;

namespace PatientVoice.Web.Pages.Patient;

/// <summary>
/// The confirmation after sending: what happens next, and where help is if it cannot wait. Only for a response that
/// was sent and is this patient's (a made-up or someone else's id opens the not-found page); whether the words raised
/// the safety flag is read from the stored response, not from the address.
/// </summary>
public sealed class SentModel(PatientContextAccessor contexts, PatientQuestionnaires questionnaires, PatientResponses responses) : PatientPageModel(contexts)
{
    public string Title { get; private set; } = "";

    public bool Flagged { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, string? response, CancellationToken cancellationToken)
    {
        if (await questionnaires.FindAsync(id, cancellationToken) is not { } form || string.IsNullOrEmpty(response))
        {
            return NotThePatients();
        }

        Hl7.Fhir.Model.QuestionnaireResponse sent;
        try
        {
            sent = await responses.RequireOwnAsync(Patient, response, cancellationToken);
        }
        catch (KeyNotFoundException)
        {
            return NotThePatients();
        }

        if (!SubmissionService.IsSubmission(sent) || PatientQuestionnaires.UrlOf(sent.Questionnaire) != form.Questionnaire.Url)
        {
            return NotThePatients();
        }

        Title = QuestionnaireLocalizer.Localize(form.Questionnaire, PatientText.Language).Title ?? form.Id;
        Flagged = ReviewFlag.IsFlagged(sent);
        return Page();
    }
}
