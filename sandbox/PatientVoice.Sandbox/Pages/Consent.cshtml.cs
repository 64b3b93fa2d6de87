using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PatientVoice.Sandbox.Authorization;
using PatientVoice.Sandbox.Users;

namespace PatientVoice.Sandbox.Pages;

/// <summary>Shows the scopes asked for; Allow and Deny post the authorize request back with <c>consent=approve</c> or <c>consent=deny</c>.</summary>
public sealed class ConsentModel(SandboxUserDirectory users) : PageModel
{
    public IReadOnlyList<KeyValuePair<string, string>> Parameters { get; private set; } = [];

    public IReadOnlyList<string> Scopes { get; private set; } = [];

    public string ClientId { get; private set; } = "";

    public string UserName { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync()
    {
        var login = await HttpContext.AuthenticateAsync(AuthorizeEndpoint.LoginScheme);
        if (users.Find(login.Principal?.Identity?.Name) is not { } user)
        {
            return Challenge(AuthorizeEndpoint.LoginScheme);
        }

        UserName = user.DisplayName;
        Parameters = Request.Query.Where(q => q.Key is not (AuthorizeEndpoint.ConsentParameter or AuthorizeEndpoint.AntiforgeryFormField))
            .Select(q => new KeyValuePair<string, string>(q.Key, q.Value.ToString())).ToList();
        ClientId = Request.Query["client_id"].ToString();
        Scopes = Request.Query["scope"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return Page();
    }
}
