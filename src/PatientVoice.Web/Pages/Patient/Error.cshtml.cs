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

    /// <param name="reason">What the page that sent the patient here said.</param>
    /// <param name="status">The status of a response without a body, when the status-code pages re-execute this page.</param>
    public void OnGet(string? reason, int? status)
        => Reason = reason is "no-patient" or "not-found" ? reason : status == StatusCodes.Status404NotFound ? "not-found" : "unexpected";

    public void OnPost(string? reason, int? status) => OnGet(reason, status);
}
