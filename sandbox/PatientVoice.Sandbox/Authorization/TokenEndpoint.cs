using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PatientVoice.Sandbox.Authorization;

/// <summary>
/// The token endpoint for authorization_code and refresh_token (and client_credentials, see <see cref="BackendServices"/>), after OpenIddict has verified the code or
/// refresh token, the client, PKCE and that a refresh asks for no scope it was not granted: adds the SMART
/// launch context to the response. OpenIddict sets <c>Cache-Control: no-store</c>.
/// </summary>
internal static class TokenEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http, IOptions<SandboxOptions> options, UserSessions sessions, TimeProvider clock)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        if (request.IsClientCredentialsGrantType())
        {
            return BackendServices(request, options.Value);
        }

        if (request.GrantType == CdsHooks.CdsFhirAuthorization.GrantType)
        {
            return CdsHooks.CdsFhirAuthorization.Grant(request, options.Value);
        }

        if (!request.IsAuthorizationCodeGrantType() && !request.IsRefreshTokenGrantType())
        {
            return Results.Forbid(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.UnsupportedGrantType,
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var result = await http.AuthenticateAsync(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
        var principal = result.Principal ?? throw new InvalidOperationException("OpenIddict validated the grant but returned no principal.");

        // A refresh may narrow the scopes (OpenIddict has refused any it was not granted).
        var scopes = request.IsRefreshTokenGrantType() && !string.IsNullOrEmpty(request.Scope)
            ? request.GetScopes()
            : principal.GetScopes();
        principal.SetScopes(scopes);
        principal.SetDestinations(claim => AuthorizeEndpoint.Destinations(claim, scopes));

        // online_access (without offline_access): refresh only while the user's session lives, never beyond it.
        if (scopes.Contains(SmartScopes.OnlineAccess) && !scopes.Contains(SmartScopes.OfflineAccess))
        {
            if (sessions.Find(principal.GetClaim(SmartClaims.Session)) is not { } session)
            {
                return Results.Forbid(
                    new AuthenticationProperties(new Dictionary<string, string?>
                    {
                        [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidGrant,
                        [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "The user's session has ended; an online_access grant ends with it. Launch the app again.",
                    }),
                    [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
            }

            principal.SetRefreshTokenLifetime(session.Expires - clock.GetUtcNow());
        }

        // Test only (Sandbox:OmitLaunchContext): a misconfigured EHR that does not say who the patient or the user is.
        foreach (var omitted in SandboxOptions.OmittableLaunchContext.Where(options.Value.Omits))
        {
            principal.RemoveClaims(omitted);
        }

        var parameters = new Dictionary<string, object?>
        {
            ["scope"] = string.Join(' ', scopes),
            ["need_patient_banner"] = principal.GetClaim(SmartClaims.NeedPatientBanner) != "false",
            ["smart_style_url"] = options.Value.EhrUrl.TrimEnd('/') + "/smart-style.json",
        };
        if (principal.GetClaim(SmartClaims.Patient) is { } patient)
        {
            parameters["patient"] = patient;
        }

        if (principal.GetClaim(SmartClaims.Encounter) is { } encounter)
        {
            parameters["encounter"] = encounter;
        }

        // CDS Hooks 2.0: a card link's appContext goes to the app with the other launch parameters.
        if (principal.GetClaim(SmartClaims.AppContext) is { } appContext)
        {
            parameters["appContext"] = appContext;
        }

        if (principal.GetClaim(SmartClaims.FhirContext) is { } fhirContext)
        {
            parameters["fhirContext"] = JsonSerializer.Deserialize<JsonElement>(fhirContext);
        }

        return Results.SignIn(new ClaimsPrincipal(principal), new AuthenticationProperties(items: null, parameters), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>
    /// SMART Backend Services: OpenIddict has authenticated the client by its assertion (and
    /// <see cref="ClientAssertionPolicy"/> checked aud, exp and jti); the <c>system/</c> scopes asked for are granted.
    /// </summary>
    private static IResult BackendServices(OpenIddictRequest request, SandboxOptions options)
    {
        var scopes = request.GetScopes();
        if (options.IsStrict && scopes.FirstOrDefault(SmartScopes.IsWildcard) is { } wildcard)
        {
            return Results.Forbid(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidScope,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = $"This EHR grants no wildcard resource scopes ('{wildcard}'): ask for each resource type by name.",
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        if (scopes.IsEmpty || scopes.Any(s => SmartScopes.Parse(s) is not { Context: ScopeContext.System }))
        {
            return Results.Forbid(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidScope,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "A backend client may ask for system/ scopes only.",
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        // An optional aud (as in SMART's authorize request) names PatientVoice's API instead of this EHR's.
        if (options.AudienceFor((string?)request["aud"]) is not { } audience)
        {
            return Results.Forbid(
                new AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidRequest,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = $"aud must be {options.FhirBase} (the default) or {options.AppFhirBase}.",
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, request.ClientId);
        identity.SetScopes(scopes);
        identity.SetResources(audience);
        identity.SetDestinations(claim => claim.Type == Claims.Subject ? [Destinations.AccessToken] : []);
        return Results.SignIn(
            new ClaimsPrincipal(identity),
            new AuthenticationProperties(items: null, new Dictionary<string, object?> { ["scope"] = string.Join(' ', scopes) }),
            OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }
}
