namespace PatientVoice.Sandbox.Authorization;

/// <summary>
/// Browser apps read the discovery documents and key sets from other origins (SMART App Launch 2.2 asks for
/// CORS on them): <c>Access-Control-Allow-Origin: *</c> on the SMART and OpenID configurations and the JWKS.
/// Runs before OpenIddict, which answers the OpenID ones itself.
/// </summary>
internal static class DiscoveryCors
{
    public const string Policy = "discovery";

    private static readonly PathString[] Paths =
    [
        "/fhir/.well-known/smart-configuration", "/.well-known/openid-configuration", "/.well-known/jwks", "/cds-hooks/jwks",
    ];

    public static IServiceCollection AddDiscoveryCors(this IServiceCollection services)
        => services.AddCors(o => o.AddPolicy(Policy, p => p.AllowAnyOrigin().AllowAnyHeader().WithMethods(HttpMethods.Get)));

    public static IApplicationBuilder UseDiscoveryCors(this IApplicationBuilder app)
        => app.UseWhen(
            context => Paths.Any(p => context.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase)),
            branch => branch.UseCors(Policy));
}
