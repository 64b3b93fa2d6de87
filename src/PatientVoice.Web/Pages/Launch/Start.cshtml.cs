using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PatientVoice.Smart.Launch;
using PatientVoice.Web.Launch;

namespace PatientVoice.Web.Pages.Launch;

/// <summary>
/// Starts a SMART launch. <c>GET /launch?iss=&amp;launch=</c>: EHR or portal launch for a patient or family member;
/// <c>GET /launch/clinician?iss=&amp;launch=</c>: EHR launch for a clinician; <c>GET /launch/standalone?ehr=&amp;role=clinician</c>:
/// standalone (default: the first configured EHR, for a patient; a clinician's with <c>&amp;patient=choose</c> asks for
/// <c>launch/patient</c>, so the EHR's patient picker chooses the patient whose summary opens). An <c>iss</c> that is not a configured EHR is
/// refused here, before anything is fetched. On success the browser goes to the EHR's authorize endpoint;
/// otherwise this page explains, in the user's language.
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class StartModel(EhrDirectory ehrs, SmartLaunchHandler handler) : PageModel
{
    public LaunchFailure Failure { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? kind, string? iss, string? launch, string? ehr, string? role, string? patient, CancellationToken cancellationToken)
    {
        ConfiguredEhr? target;
        LaunchAudience audience;
        var choosePatient = false;
        if (kind == "standalone")
        {
            target = ehrs.FindByName(ehr);
            audience = role == "clinician" ? LaunchAudience.Clinician : LaunchAudience.Patient;
            choosePatient = audience == LaunchAudience.Clinician && patient == "choose";
            launch = null;
            if (target is null)
            {
                return Fail(LaunchFailure.MissingParameters);
            }
        }
        else
        {
            audience = kind == "clinician" ? LaunchAudience.Clinician : LaunchAudience.Patient;
            if (string.IsNullOrWhiteSpace(iss))
            {
                return Fail(LaunchFailure.MissingParameters);
            }

            target = ehrs.FindByIss(iss);
            if (target is null)
            {
                return Fail(LaunchFailure.UnknownEhr);
            }
        }

        var result = await handler.StartAsync(HttpContext, target, audience, launch, cancellationToken, choosePatient);
        return result.RedirectTo is { } location ? Redirect(location) : Fail(result.Failure!.Value);
    }

    private PageResult Fail(LaunchFailure failure)
    {
        Failure = failure;
        Response.StatusCode = failure.Status();
        return Page();
    }
}
