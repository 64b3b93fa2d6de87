using System.Net.Http.Json;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using PatientVoice.Sandbox.Authorization;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PatientVoice.Sandbox.CdsHooks;

/// <summary>
/// <c>fhirAuthorization</c> for the CDS services registered with this EHR (<see cref="SandboxOptions.CdsServiceAccess"/>):
/// per hook call, an access token for this EHR's FHIR server, issued by its own authorization server (OpenIddict) through
/// a grant only the EHR itself can use (<see cref="GrantType"/>, its client's secret made per process), with the
/// service's client id as <c>subject</c>, the hook's patient, the <c>patient/</c> scopes registered for it and five
/// minutes of life. A service that is not registered gets none (CDS Hooks 2.0 §FHIR Resource Access).
/// </summary>
public sealed class CdsFhirAuthorization(IHttpClientFactory httpClients, IOptions<SandboxOptions> options)
{
    public const string GrantType = "urn:patientvoice:sandbox:cds-hooks-fhir-authorization";
    public const string ClientId = "sandbox-cds-hooks-client";
    public const string HttpClientName = "cds-fhir-authorization";
    private static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    /// <summary>The EHR's own client's secret: random per process, never configured or shown.</summary>
    public string ClientSecret { get; } = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));

    /// <summary>The registration for the service at <paramref name="serviceUrl"/>, if it has one.</summary>
    public CdsServiceAccessOptions? For(string serviceUrl)
        => options.Value.CdsServiceAccess.FirstOrDefault(a => string.Equals(a.ServiceUrl.TrimEnd('/'), serviceUrl.TrimEnd('/'), StringComparison.Ordinal));

    /// <summary>The <c>fhirAuthorization</c> object for one hook call about <paramref name="patientId"/>.</summary>
    public async Task<JsonObject> IssueAsync(CdsServiceAccessOptions access, string patientId, CancellationToken cancellationToken)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = GrantType,
            ["client_id"] = ClientId,
            ["client_secret"] = ClientSecret,
            ["cds_service"] = access.ClientId,
            ["patient"] = patientId,
            ["scope"] = access.Scopes,
        });
        using var response = await httpClients.CreateClient(HttpClientName).PostAsync(options.Value.EhrBase + "/connect/token", form, cancellationToken);
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<JsonObject>(cancellationToken) ?? throw new HttpRequestException("An empty token response.");
        return new JsonObject
        {
            ["access_token"] = (string?)token["access_token"],
            ["token_type"] = "Bearer",
            ["expires_in"] = (int?)token["expires_in"] ?? (int)Lifetime.TotalSeconds,
            ["scope"] = (string?)token["scope"] ?? access.Scopes,
            ["subject"] = access.ClientId,
            ["patient"] = patientId,
        };
    }

    /// <summary>
    /// The token endpoint's side: OpenIddict has authenticated the EHR's own client by its secret and checked that it may
    /// use this grant; the service must be registered, the scopes <c>patient/</c> ones it was registered for.
    /// </summary>
    internal static IResult Grant(OpenIddictRequest request, SandboxOptions options)
    {
        var access = options.CdsServiceAccess.FirstOrDefault(a => a.ClientId == (string?)request["cds_service"]);
        var patient = (string?)request["patient"];
        var scopes = request.GetScopes();
        var registered = access?.Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (request.ClientId != ClientId || access is null || string.IsNullOrEmpty(patient) || scopes.IsEmpty
            || scopes.Any(s => !registered.Contains(s, StringComparer.Ordinal) || SmartScopes.Parse(s) is not { Context: ScopeContext.Patient }))
        {
            return Results.Forbid(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidGrant,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "Only a registered CDS service's patient/ scopes, for one patient, are issued this way.",
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, access.ClientId);
        identity.SetClaim(SmartClaims.Patient, patient);
        identity.SetScopes(scopes);
        identity.SetResources(options.FhirBase);
        identity.SetAccessTokenLifetime(Lifetime);
        identity.SetDestinations(claim => claim.Type is Claims.Subject or SmartClaims.Patient ? [Destinations.AccessToken] : []);
        return Results.SignIn(
            new ClaimsPrincipal(identity),
            new AuthenticationProperties(items: null, new Dictionary<string, object?> { ["scope"] = string.Join(' ', scopes) }),
            OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }
}
