namespace PatientVoice.Sandbox.Authorization;

/// <summary>
/// CORS for browser apps on other origins (SMART App Launch 2.2, "Considerations for Cross-Origin Resource Sharing
/// support": servers that support purely browser-based apps enable CORS for discovery, token requests and the FHIR
/// API, not for introspection): <c>Access-Control-Allow-Origin: *</c>, never with credentials, on the SMART and
/// OpenID configurations and the JWKS (GET), the token endpoint (POST) and the FHIR endpoint. The authorize endpoint
/// is navigated to, not fetched, and gets none. Runs before OpenIddict, which answers the OpenID ones itself.
/// </summary>
internal static class DiscoveryCors
{
    public const string Policy = "discovery";

    /// <summary>Token requests and FHIR interactions: a bearer token in the Authorization header, never cookies.</summary>
    public const string BrowserAppPolicy = "browser-apps";

    private static readonly PathString[] Paths =
    [
        "/fhir/.well-known/smart-configuration", "/.well-known/openid-configuration", "/.well-known/jwks", "/cds-hooks/jwks",
    ];

    private static readonly PathString TokenPath = "/connect/token";

    private static readonly PathString FhirPath = "/fhir";

    public static IServiceCollection AddDiscoveryCors(this IServiceCollection services)
        => services.AddCors(o =>
        {
            o.AddPolicy(Policy, p => p.AllowAnyOrigin().AllowAnyHeader().WithMethods(HttpMethods.Get));
            o.AddPolicy(BrowserAppPolicy, p => p.AllowAnyOrigin().AllowAnyHeader()
                .WithMethods(HttpMethods.Get, HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete)
                .WithExposedHeaders("Location", "ETag", "Last-Modified", "Content-Location"));
        });

    public static IApplicationBuilder UseDiscoveryCors(this IApplicationBuilder app)
        => app
            .UseWhen(
                context => Paths.Any(p => context.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase)),
                branch => branch.UseCors(Policy))
            .UseWhen(
                context => !Paths.Any(p => context.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase))
                    && (context.Request.Path.Equals(TokenPath, StringComparison.OrdinalIgnoreCase) || context.Request.Path.StartsWithSegments(FhirPath, StringComparison.OrdinalIgnoreCase)),
                branch => branch.UseCors(BrowserAppPolicy));
}
