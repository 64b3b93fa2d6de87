using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PatientVoice.Sandbox.Authorization;

namespace PatientVoice.Sandbox.Pages;

/// <summary>Signs the user out of the EHR: ends their session (and with it their apps' <c>online_access</c>) and the login cookie.</summary>
public sealed class LogoutModel(UserSessions sessions) : PageModel
{
    public bool SignedOut { get; private set; }

    public void OnGet()
    {
    }

    public async Task OnPostAsync()
    {
        var login = await HttpContext.AuthenticateAsync(AuthorizeEndpoint.LoginScheme);
        if (login.Principal?.Identity?.Name is { } user)
        {
            sessions.End(user);
        }

        await HttpContext.SignOutAsync(AuthorizeEndpoint.LoginScheme);
        SignedOut = true;
    }
}
