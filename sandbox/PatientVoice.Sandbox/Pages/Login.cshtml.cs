using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PatientVoice.Sandbox.Authorization;
using PatientVoice.Sandbox.Users;

namespace PatientVoice.Sandbox.Pages;

/// <summary>Pick who you are: a patient, a family member acting for one, or a practitioner. No passwords: synthetic users only.</summary>
public sealed class LoginModel(SandboxUserDirectory users, UserSessions sessions) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Login { get; set; }

    public IReadOnlyList<SandboxUser> Users => users.All;

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (users.Find(Login) is not { } user)
        {
            return Page();
        }

        var session = sessions.Start(user.Login);
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, user.Login), new Claim(AuthorizeEndpoint.SessionCookieClaim, session.Id)], AuthorizeEndpoint.LoginScheme);
        await HttpContext.SignInAsync(AuthorizeEndpoint.LoginScheme, new ClaimsPrincipal(identity));
        return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/");
    }
}
