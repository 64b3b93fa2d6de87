namespace PatientVoice.Web.FhirApi;

/// <summary>
/// Cross-origin access to the FHIR API, as the CapabilityStatement says (<c>security.cors = true</c>) and SMART App
/// Launch expects of a FHIR server for browser-based apps: any origin, any method and header, the response headers a
/// FHIR client reads exposed — and never credentials. The API takes bearer tokens only, so a page elsewhere gains
/// nothing it does not already hold; the patient and clinician pages (cookie sessions) get no CORS at all.
/// </summary>
public static class FhirApiCors
{
    public const string Policy = "fhir-api";

    private static readonly string[] Exposed = ["Location", "Content-Location", "ETag", "Last-Modified", "X-Progress", "Retry-After", "Expires", "WWW-Authenticate"];

    public static IServiceCollection AddFhirApiCors(this IServiceCollection services)
        => services.AddCors(options => options.AddPolicy(Policy, policy => policy
            .AllowAnyOrigin()
            .AllowAnyMethod()
            .AllowAnyHeader()
            .WithExposedHeaders(Exposed)
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));
}
