using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PatientVoice.Web.Launch;

namespace PatientVoice.Web.Pages.Session;

/// <summary>
/// <c>GET /session/end</c> offers to sign out (a form with the anti-forgery token); <c>POST /session/end</c> ends this
/// browser's session on the server and drops the cookie. The EHR's tokens are forgotten, not revoked.
/// </summary>
[AllowAnonymous]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class EndModel(ISmartSessionAccessor sessions, SmartSessionStore store, ILogger<EndModel> logger) : PageModel
{
    public bool SignedIn { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
        => SignedIn = await sessions.GetAsync(HttpContext, cancellationToken) is not null;

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await sessions.GetAsync(HttpContext, cancellationToken) is { } session)
        {
            await store.RemoveAsync(session.Id, cancellationToken);
            LaunchLog.SessionEnded(logger, session.Id, "signed out");
        }

        await HttpContext.SignOutAsync(SmartSessionPolicies.CookieScheme);
        SignedIn = false;
        return Page();
    }
}
