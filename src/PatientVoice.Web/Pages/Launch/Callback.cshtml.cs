using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PatientVoice.Web.Launch;

namespace PatientVoice.Web.Pages.Launch;

/// <summary>
/// <c>GET /signin-smart</c>, the redirect URI: completes the launch (<see cref="SmartLaunchHandler.CompleteAsync"/>)
/// and sends the browser into PatientVoice, or explains what went wrong.
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class CallbackModel(SmartLaunchHandler handler) : PageModel
{
    public LaunchFailure Failure { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var result = await handler.CompleteAsync(HttpContext, cancellationToken);
        if (result.RedirectTo is { } location)
        {
            return LocalRedirect(location);
        }

        Failure = result.Failure!.Value;
        Response.StatusCode = Failure.Status();
        return Page();
    }
}
