namespace PatientVoice.Web.Patients;

/// <summary>
/// The Content-Security-Policy of the patient pages: scripts only from this site (no inline script, no eval —
/// LHC-Forms 40 runs without either, measured in the end-to-end tests), inline styles allowed because LHC-Forms
/// sets style attributes, nothing sent anywhere but here, and framing only by this site and the configured EHRs
/// (<c>Smart:Ehrs:{n}:FhirBaseUrl</c>; the portal may show PatientVoice in a frame).
/// </summary>
public sealed class PatientContentSecurityPolicy
{
    public PatientContentSecurityPolicy(IConfiguration configuration)
    {
        var ehrOrigins = configuration.GetSection("Smart:Ehrs").GetChildren()
            .Select(ehr => Uri.TryCreate(ehr["FhirBaseUrl"], UriKind.Absolute, out var url) ? url.GetLeftPart(UriPartial.Authority) : null)
            .OfType<string>()
            .Distinct(StringComparer.OrdinalIgnoreCase);
        Value = string.Join("; ",
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors " + string.Join(' ', ehrOrigins.Prepend("'self'")));
    }

    /// <summary>The header value.</summary>
    public string Value { get; }

    /// <summary>Sets the policy (and its companions) on every response under /patient.</summary>
    public sealed class Middleware(RequestDelegate next, PatientContentSecurityPolicy policy)
    {
        public Task InvokeAsync(HttpContext context)
        {
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.ContentSecurityPolicy = policy.Value;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "no-referrer";
                headers.CacheControl = "no-store";
                return Task.CompletedTask;
            });
            return next(context);
        }
    }
}
