using Microsoft.Extensions.Options;
using PatientVoice.Smart.Launch;

namespace PatientVoice.Web.Launch;

/// <summary>
/// Who may show PatientVoice in a frame: PatientVoice itself, the configured EHRs (the origins of their FHIR base
/// URLs) and the origins in <c>Smart:FrameAncestors</c> (an EHR whose screens live elsewhere than its FHIR server).
/// Sent as <c>Content-Security-Policy: frame-ancestors …</c> on every response; ASP.NET Core's anti-forgery
/// <c>X-Frame-Options: SAMEORIGIN</c>, which would forbid any EHR iframe, is turned off in its favour.
/// </summary>
public sealed class FramingPolicy
{
    public FramingPolicy(EhrDirectory ehrs, IOptions<SmartLaunchOptions> options)
    {
        var origins = ehrs.All.Select(e => e.FhirBaseUrl.GetLeftPart(UriPartial.Authority))
            .Concat(options.Value.FrameAncestors.Select(Origin))
            .Distinct(StringComparer.OrdinalIgnoreCase);
        HeaderValue = "frame-ancestors 'self' " + string.Join(' ', origins);
    }

    public string HeaderValue { get; }

    private static string Origin(string configured)
        => Uri.TryCreate(configured, UriKind.Absolute, out var url) && SmartUrls.IsSecureOrLoopback(url)
            ? url.GetLeftPart(UriPartial.Authority)
            : throw new InvalidOperationException($"Smart:FrameAncestors: '{configured}' is not an absolute https origin (http only for loopback).");
}

public static class FramingPolicyApplicationBuilderExtensions
{
    /// <summary>Adds the <see cref="FramingPolicy"/> header to every response (unless one already says frame-ancestors).</summary>
    public static IApplicationBuilder UseSmartFraming(this IApplicationBuilder app)
    {
        var policy = app.ApplicationServices.GetRequiredService<FramingPolicy>();
        return app.Use(async (context, next) =>
        {
            context.Response.OnStarting(() =>
            {
                var existing = context.Response.Headers.ContentSecurityPolicy.ToString();
                if (!existing.Contains("frame-ancestors", StringComparison.OrdinalIgnoreCase))
                {
                    context.Response.Headers.Append("Content-Security-Policy", policy.HeaderValue);
                }

                return Task.CompletedTask;
            });
            await next(context);
        });
    }
}
