using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace PatientVoice.Web.Pages.Patient;

/// <summary>The patient pages' error page: what went wrong in plain words, in the patient's language, never a stack trace.</summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class ErrorModel : PageModel
{
    public string Reason { get; private set; } = "unexpected";

    public void OnGet(string? reason) => Reason = reason is "no-patient" or "not-found" ? reason : "unexpected";

    public void OnPost(string? reason) => OnGet(reason);
}
