using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PatientVoice.Web.Launch;

namespace PatientVoice.Web.Pages.Session;

/// <summary>
/// <c>POST /session/end</c> (a form with the anti-forgery token): ends this browser's session on the server and
/// drops the cookie. The EHR's tokens are forgotten, not revoked.
/// </summary>
[AllowAnonymous]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class EndModel(SmartSessionStore sessions, ILogger<EndModel> logger) : PageModel
{
    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var result = await HttpContext.AuthenticateAsync(SmartSessionPolicies.CookieScheme);
        if (result.Principal?.FindFirst(SmartSessionClaims.SessionId)?.Value is { } sessionId)
        {
            await sessions.RemoveAsync(sessionId, cancellationToken);
            LaunchLog.SessionEnded(logger, sessionId, "signed out");
        }

        await HttpContext.SignOutAsync(SmartSessionPolicies.CookieScheme);
        return Page();
    }
}
