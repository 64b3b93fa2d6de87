using System.Security.Cryptography;

namespace PatientVoice.Web.Clinicians.Presentation;

/// <summary>
/// The Content-Security-Policy of the clinician pages: scripts and styles from us only (inline styles only with this
/// response's nonce), no plugins, no foreign forms, and framing only by the EHR the session came from (the EHR shows
/// the app in its iframe). Patient text is always HTML-encoded by Razor; the policy is the second line of defence.
/// </summary>
public static class ContentSecurityPolicy
{
    private const string NonceKey = "pv-csp-nonce";

    /// <summary>The nonce of this response, for a <c>&lt;style nonce&gt;</c>.</summary>
    public static string Nonce(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.Items[NonceKey] is not string nonce)
        {
            nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(18));
            context.Items[NonceKey] = nonce;
        }

        return nonce;
    }

    /// <summary>Sets the header (and companions) on the response; <paramref name="frameAncestor"/> is the EHR's origin, when known.</summary>
    public static void Apply(HttpContext context, Uri? frameAncestor)
    {
        ArgumentNullException.ThrowIfNull(context);
        var ancestors = frameAncestor is null ? "'self'" : $"'self' {frameAncestor.GetLeftPart(UriPartial.Authority)}";
        context.Response.Headers.ContentSecurityPolicy =
            $"default-src 'none'; script-src 'self'; style-src 'self' 'nonce-{Nonce(context)}'; img-src 'self' data:; connect-src 'self'; " +
            $"form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors {ancestors}";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
