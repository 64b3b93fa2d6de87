using PatientVoice.Web.Launch;

namespace PatientVoice.Web.Pages;

/// <summary>
/// The Content-Security-Policy of the pages drawn with Pages/Shared/_Layout (the landing page, the licences, the launch
/// and session messages): nothing runs or loads but from this site, no inline script or style; framing as
/// <see cref="FramingPolicy"/> says, in the same header.
/// </summary>
public static class SitePageContentSecurityPolicy
{
    private const string Value = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'";

    /// <summary>Sets the policy on the response being rendered (the layout runs before the response starts).</summary>
    public static void Apply(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!context.Response.HasStarted)
        {
            var framing = context.RequestServices.GetRequiredService<FramingPolicy>();
            context.Response.Headers.ContentSecurityPolicy = Value + "; " + framing.HeaderValue;
            context.Response.Headers.XContentTypeOptions = "nosniff";
        }
    }
}
