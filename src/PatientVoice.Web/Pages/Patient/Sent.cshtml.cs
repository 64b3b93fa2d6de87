using Microsoft.AspNetCore.Mvc;
using PatientVoice.Application.Submit;
using PatientVoice.Web.Patients;

namespace PatientVoice.Web.Pages.Patient;

/// <summary>The confirmation after sending: what happens next, and where help is if it cannot wait.</summary>
public sealed class SentModel(PatientContextAccessor contexts, PatientQuestionnaires questionnaires) : PatientPageModel(contexts)
{
    public string Title { get; private set; } = "";

    public bool Flagged { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, string? flagged, CancellationToken cancellationToken)
    {
        if (await questionnaires.FindAsync(id, cancellationToken) is not { } form)
        {
            return NotThePatients();
        }

        Title = QuestionnaireLocalizer.Localize(form.Questionnaire, PatientText.Language).Title ?? form.Id;
        Flagged = flagged == "1";
        return Page();
    }
}
