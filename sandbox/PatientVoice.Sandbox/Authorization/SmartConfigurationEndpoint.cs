using Microsoft.Extensions.Options;

namespace PatientVoice.Sandbox.Authorization;

/// <summary><c>{fhir base}/.well-known/smart-configuration</c> (SMART App Launch 2.2 §Discovery): always JSON, absolute URLs.</summary>
internal static class SmartConfigurationEndpoint
{
    public static readonly IReadOnlyList<string> Capabilities =
    [
        "launch-ehr", "launch-standalone", "client-public", "client-confidential-symmetric", "client-confidential-asymmetric",
        "context-ehr-patient", "context-ehr-encounter", "context-standalone-patient", "permission-patient", "permission-user",
        "permission-v2", "permission-v1", "permission-offline", "sso-openid-connect", "context-banner", "context-style", "authorize-post",
    ];

    /// <summary>The strict profile speaks SMART v1 scopes only, as many production EHRs still do.</summary>
    public static readonly IReadOnlyList<string> StrictCapabilities = [.. Capabilities.Where(c => c != "permission-v2")];

    public static IResult Handle(IOptions<SandboxOptions> options)
    {
        var ehr = options.Value.EhrUrl.TrimEnd('/');
        return Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = ehr + "/",
            ["jwks_uri"] = ehr + "/.well-known/jwks",
            ["authorization_endpoint"] = ehr + "/connect/authorize",
            ["token_endpoint"] = ehr + "/connect/token",
            ["introspection_endpoint"] = ehr + "/connect/introspect",
            ["revocation_endpoint"] = ehr + "/connect/revoke",
            ["grant_types_supported"] = new[] { "authorization_code", "refresh_token", "client_credentials" },
            ["response_types_supported"] = new[] { "code" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_basic", "client_secret_post", "private_key_jwt" },
            ["token_endpoint_auth_signing_alg_values_supported"] = new[] { "RS384", "ES384" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["scopes_supported"] = options.Value.IsStrict ? SmartScopes.AdvertisedStrict : SmartScopes.Advertised,
            ["capabilities"] = options.Value.IsStrict ? StrictCapabilities : Capabilities,
        });
    }
}
