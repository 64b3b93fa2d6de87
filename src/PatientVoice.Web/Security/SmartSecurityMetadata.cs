using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using PatientVoice.Application;

namespace PatientVoice.Web.Security;

/// <summary>
/// What this API tells clients about how to get a token: <c>rest.security</c> of the CapabilityStatement
/// (the SMART-on-FHIR service and the oauth-uris extension) and <c>/fhir/.well-known/smart-configuration</c>.
/// Both describe the first configured issuer that names its endpoints (the sandbox by default); every
/// trusted issuer is listed in the configuration's <c>patientvoice_trusted_issuers</c>.
/// </summary>
public sealed class SmartSecurityMetadata(IOptions<SecurityOptions> options, IConfiguration configuration)
{
    public const string OAuthUrisExtension = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris";

    private static readonly string[] Capabilities =
    [
        "launch-ehr", "launch-standalone", "client-public", "client-confidential-symmetric", "client-confidential-asymmetric",
        "context-ehr-patient", "context-standalone-patient", "permission-offline", "permission-online", "permission-patient", "permission-user",
        "permission-v1", "permission-v2", "sso-openid-connect",
    ];

    private static readonly string[] Scopes =
    [
        "openid", "fhirUser", "launch", "launch/patient", "offline_access", "online_access",
        "patient/*.cruds", "patient/*.rs", "patient/*.read", "patient/*.write", "user/*.cruds", "user/*.rs", "user/*.read",
        "system/*.cruds", "system/*.rs", "system/*.read", "system/AuditEvent.rs",
    ];

    private TrustedIssuerOptions? Primary
        => options.Value.Issuers.FirstOrDefault(i => i.AuthorizationEndpoint is not null || i.TokenEndpoint is not null)
            ?? options.Value.Issuers.FirstOrDefault(i => !string.IsNullOrWhiteSpace(i.Issuer));

    public CapabilityStatement.SecurityComponent Security()
    {
        var security = new CapabilityStatement.SecurityComponent
        {
            Cors = true,
            Service = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "SMART-on-FHIR", "SMART-on-FHIR")],
            Description = "Bearer JWTs from the trusted issuers (SMART App Launch 2.2 scopes, v1 forms mapped; patient/ tokens reach their patient's compartment only). "
                + "See .well-known/smart-configuration.",
        };
        if (configuration.GetSection(SecurityOptions.EntraSection).Exists())
        {
            security.Service.Add(new CodeableConcept("http://terminology.hl7.org/CodeSystem/restful-security-service", "OAuth", "OAuth (Microsoft Entra ID)"));
        }

        if (Primary is { } primary && (primary.AuthorizationEndpoint is not null || primary.TokenEndpoint is not null))
        {
            var uris = new Extension { Url = OAuthUrisExtension };
            if (primary.TokenEndpoint is { } token)
            {
                uris.Extension.Add(new Extension("token", new FhirUri(token)));
            }

            if (primary.AuthorizationEndpoint is { } authorize)
            {
                uris.Extension.Add(new Extension("authorize", new FhirUri(authorize)));
            }

            security.Extension.Add(uris);
        }

        return security;
    }

    public Dictionary<string, object?> SmartConfiguration()
    {
        var primary = Primary;
        var document = new Dictionary<string, object?>
        {
            ["issuer"] = primary?.Issuer,
            ["jwks_uri"] = primary?.JwksUrl,
            ["authorization_endpoint"] = primary?.AuthorizationEndpoint,
            ["token_endpoint"] = primary?.TokenEndpoint,
            ["grant_types_supported"] = new[] { "authorization_code", "refresh_token", "client_credentials" },
            ["response_types_supported"] = new[] { "code" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_basic", "private_key_jwt" },
            ["token_endpoint_auth_signing_alg_values_supported"] = new[] { "RS384", "ES384" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["scopes_supported"] = Scopes,
            ["capabilities"] = Capabilities,
            ["patientvoice_trusted_issuers"] = options.Value.Issuers.Where(i => !string.IsNullOrWhiteSpace(i.Issuer))
                .Select(i => new Dictionary<string, string?> { ["issuer"] = i.Issuer, ["jwks_uri"] = i.JwksUrl ?? i.Authority, ["audience"] = i.Audience })
                .ToList(),
        };
        return document.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value);
    }

    /// <summary>Maps <c>GET /fhir/.well-known/smart-configuration</c> (JSON, open to all).</summary>
    public static void Map(RouteGroupBuilder fhir)
        => fhir.MapGet("/.well-known/smart-configuration", (SmartSecurityMetadata metadata) => Results.Json(metadata.SmartConfiguration()))
            .WithName("smart-configuration").WithSummary("SMART App Launch discovery: the authorization server(s) whose tokens this API accepts")
            .AllowAnonymous();
}
