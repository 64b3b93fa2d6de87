using Microsoft.AspNetCore.Mvc;
using PatientVoice.Application.Submit;
using PatientVoice.Web.Patients;

namespace PatientVoice.Web.Pages.Patient;

/// <summary>Switches the page language (remembered in a cookie) and goes back where the person was.</summary>
public sealed class LanguageModel(PatientContextAccessor contexts) : PatientPageModel(contexts)
{
    public IActionResult OnGet(string? culture, string? returnUrl)
    {
        if (PatientText.Supported(culture) is { } language)
        {
            PatientLanguageMiddleware.Remember(HttpContext, language);
        }

        // Only back into this site: never an open redirect.
        return LocalRedirect(returnUrl is { Length: > 0 } url && Url.IsLocalUrl(url) && url.StartsWith("/patient", StringComparison.Ordinal) ? url : "/patient");
    }
}
