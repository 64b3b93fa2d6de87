using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace PatientVoice.Web.Launch;

/// <summary>
/// The session cookie's behaviour: a cookie whose server-side session has ended is dropped; a page needing a
/// session sends a browser to <c>/session/required</c> (once; that page needs none), other requests get a plain 401/403.
/// </summary>
internal sealed class SessionCookieEvents : CookieAuthenticationEvents
{
    public const string RequiredPath = "/session/required";
    public const string DeniedPath = "/session/denied";

    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var sessionId = context.Principal?.FindFirst(SmartSessionClaims.SessionId)?.Value;
        var store = context.HttpContext.RequestServices.GetRequiredService<SmartSessionStore>();
        if (sessionId is null || await store.GetAsync(sessionId, context.HttpContext.RequestAborted) is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(SmartSessionPolicies.CookieScheme);
        }
    }

    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context)
        => Answer(context, RequiredPath, StatusCodes.Status401Unauthorized);

    public override Task RedirectToAccessDenied(RedirectContext<CookieAuthenticationOptions> context)
        => Answer(context, DeniedPath, StatusCodes.Status403Forbidden);

    private static Task Answer(RedirectContext<CookieAuthenticationOptions> context, string page, int status)
    {
        var accept = context.Request.Headers.Accept.ToString();
        if (HttpMethods.IsGet(context.Request.Method) && accept.Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.Redirect(page);
        }
        else
        {
            context.Response.StatusCode = status;
        }

        return Task.CompletedTask;
    }
}
