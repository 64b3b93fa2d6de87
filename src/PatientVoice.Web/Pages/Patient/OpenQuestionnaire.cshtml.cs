using Microsoft.AspNetCore.Mvc;
using PatientVoice.Application.Submit;
using PatientVoice.Web.Patients;

namespace PatientVoice.Web.Pages.Patient;

/// <summary>
/// Where a launch naming a Questionnaire lands (<c>/patient/questionnaire?questionnaire=Questionnaire/{id}</c> or a
/// canonical <c>url|version</c>): opens that questionnaire's page, or the home page when we do not hold it.
/// </summary>
public sealed class OpenQuestionnaireModel(PatientContextAccessor contexts, PatientQuestionnaires questionnaires) : PatientPageModel(contexts)
{
    public async Task<IActionResult> OnGetAsync(string? questionnaire, CancellationToken cancellationToken)
    {
        var wanted = questionnaire ?? "";
        var all = await questionnaires.ListAsync(cancellationToken);
        var url = PatientQuestionnaires.UrlOf(wanted);
        var id = wanted.StartsWith("Questionnaire/", StringComparison.Ordinal) ? wanted["Questionnaire/".Length..] : null;
        var found = all.FirstOrDefault(q => q.Id == id || q.Questionnaire.Url == url);
        return found is null ? LocalRedirect("/patient") : LocalRedirect("/patient/questionnaire/" + Uri.EscapeDataString(found.Id));
    }
}
