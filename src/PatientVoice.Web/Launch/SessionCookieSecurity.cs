using System.Net;

namespace PatientVoice.Web.Launch;

/// <summary>
/// How PatientVoice's cookies are marked so that they work inside an EHR's iframe: <c>SameSite=None; Secure;
/// Partitioned</c> (CHIPS, so they survive browsers that block third-party cookies). Browsers accept Secure
/// cookies over https and from http://localhost and 127.0.0.1 (checked with Debian chromium). A plain-http
/// request to any other host would have them dropped, so there they fall back to <c>SameSite=Lax</c> without
/// Secure: PatientVoice then works in a top-level window but not in an iframe. Behind a TLS-terminating proxy,
/// forward the scheme (ForwardedHeaders) so requests count as https.
/// </summary>
public static class SessionCookieSecurity
{
    public static void Apply(HttpContext context, CookieOptions options)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(options);
        if (CanBeSecure(context.Request))
        {
            options.Secure = true;
            options.SameSite = SameSiteMode.None;
            if (!options.Extensions.Contains("Partitioned"))
            {
                options.Extensions.Add("Partitioned");
            }
        }
        else
        {
            options.Secure = false;
            options.SameSite = SameSiteMode.Lax;
            options.Extensions.Remove("Partitioned");
        }
    }

    public static bool CanBeSecure(HttpRequest request)
    {
        var host = request.Host.Host.Trim('[', ']');
        return request.IsHttps
               || string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
               || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }
}
