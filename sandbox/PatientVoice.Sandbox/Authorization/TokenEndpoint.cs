using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PatientVoice.Sandbox.Authorization;

/// <summary>
/// The token endpoint for authorization_code and refresh_token, after OpenIddict has verified the code or
/// refresh token, the client, PKCE and that a refresh asks for no scope it was not granted: adds the SMART
/// launch context to the response. OpenIddict sets <c>Cache-Control: no-store</c>.
/// </summary>
internal static class TokenEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext http, IOptions<SandboxOptions> options)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
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

        if (principal.GetClaim(SmartClaims.FhirContext) is { } fhirContext)
        {
            parameters["fhirContext"] = JsonSerializer.Deserialize<JsonElement>(fhirContext);
        }

        return Results.SignIn(new ClaimsPrincipal(principal), new AuthenticationProperties(items: null, parameters), OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }
}
