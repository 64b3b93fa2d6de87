using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using PatientVoice.Sandbox.Users;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace PatientVoice.Sandbox.Authorization;

/// <summary>
/// The authorize endpoint (GET and POST), after OpenIddict has checked client, redirect URI, response type,
/// PKCE and scopes: checks <c>aud</c> and <c>launch</c>, finds the user (EHR launch, test login, or the
/// login page), asks for consent, and issues the code with the launch context in it.
/// </summary>
internal static class AuthorizeEndpoint
{
    public const string LoginScheme = "SandboxLogin";

    /// <summary>Sandbox-only parameter naming the user (see <see cref="SandboxOptions.AllowTestLogin"/>).</summary>
    public const string TestUserParameter = "sandbox_user";

    /// <summary>Set by the consent page's approve button (a POST to this endpoint).</summary>
    public const string ConsentParameter = "consent";

    /// <summary>Set by the patient picker (a POST to this endpoint): the patient a practitioner chose for <c>launch/patient</c>.</summary>
    public const string PickedPatientParameter = "patient_picked";

    /// <summary>The consent page's answers.</summary>
    public const string Approve = "approve";
    public const string Deny = "deny";

    /// <summary>The claim of the login cookie naming its <see cref="UserSession"/>.</summary>
    public const string SessionCookieClaim = "sandbox_session";

    public static async Task<IResult> HandleAsync(HttpContext http, IOptions<SandboxOptions> options, LaunchContextStore launches, SandboxUserDirectory users,
        UserSessions sessions, IAntiforgery antiforgery)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var sandbox = options.Value;
        var consent = HttpMethods.IsPost(http.Request.Method) ? (string?)request[ConsentParameter] : null;
        var picked = HttpMethods.IsPost(http.Request.Method) ? (string?)request[PickedPatientParameter] : null;
        if ((consent ?? picked) is not null && !await antiforgery.IsRequestValidAsync(http))
        {
            // An answer to the consent page or the patient picker that the page did not send: refused here, never redirected to the app.
            return Results.BadRequest("The form was not sent by this EHR's consent page or patient picker (anti-forgery check failed). Start again from the app.");
        }

        // SMART requires aud; the token is then for that resource server: this EHR, or PatientVoice's own API.
        var audience = string.IsNullOrEmpty((string?)request["aud"]) ? null : sandbox.AudienceFor((string?)request["aud"]);
        if (audience is null)
        {
            return Refuse(Errors.InvalidRequest, $"aud must be the FHIR base URL of this EHR, {sandbox.FhirBase}, or of PatientVoice, {sandbox.AppFhirBase}.");
        }

        LaunchContext? launch = null;
        if ((string?)request["launch"] is { Length: > 0 } launchValue)
        {
            launch = launches.Find(launchValue);
            if (launch is null)
            {
                return Refuse(Errors.InvalidRequest, "The launch value is unknown or has expired.");
            }
        }

        SandboxUser? user;
        UserSession? session;
        var skipConsent = false;
        if (sandbox.AllowTestLogin && (string?)request[TestUserParameter] is { Length: > 0 } testLogin)
        {
            user = users.Find(testLogin);
            if (user is null)
            {
                return Refuse(Errors.InvalidRequest, $"No sandbox user '{testLogin}'.");
            }

            session = sessions.Current(user.Login);
            skipConsent = true;
        }
        else if (users.Find(launch?.User) is { } launchUser)
        {
            // The EHR knows who launched the app; EHRs do not ask clinicians to consent to their own apps.
            user = launchUser;
            session = sessions.Current(user.Login);
            skipConsent = true;
        }
        else
        {
            var login = await http.AuthenticateAsync(LoginScheme);
            user = users.Find(login.Principal?.Identity?.Name);
            session = sessions.Find(login.Principal?.FindFirst(SessionCookieClaim)?.Value);
            if (user is null || session is null || session.Login != user.Login)
            {
                // Not signed in, or signed out since: the login page, then back here.
                return Results.Challenge(new AuthenticationProperties { RedirectUri = http.Request.PathBase + http.Request.Path + ParametersAsQuery(request) }, [LoginScheme]);
            }
        }

        // A cautious production EHR (Sandbox:Profile strict) says no to what it would never grant.
        if (sandbox.IsStrict && StrictRefusal(request.GetScopes(), user) is { } refusal)
        {
            return Refuse(Errors.InvalidScope, refusal);
        }

        // A practitioner's standalone launch asking for launch/patient: the EHR's patient picker establishes the patient
        // (answered by a POST from the picker page, kept through consent), as SMART's launch/patient asks.
        if (launch is null && user.Kind == SandboxUserKind.Practitioner && request.GetScopes().Contains(SmartScopes.LaunchPatient)
            && users.Find(picked) is not { Kind: SandboxUserKind.Patient })
        {
            return Results.Redirect("/patient-picker" + ParametersAsQuery(request));
        }

        if (!skipConsent && consent == Deny)
        {
            // OpenIddict answers the app at its (validated) redirect URI with error=access_denied and its state.
            return Refuse(Errors.AccessDenied, "The user denied the app access.");
        }

        if (!skipConsent && consent != Approve)
        {
            return Results.Redirect("/consent" + ParametersAsQuery(request));
        }

        var scopes = request.GetScopes();
        var patient = launch?.Patient ?? (user.Kind == SandboxUserKind.Practitioner ? users.Find(picked)?.PatientId : null) ?? (scopes.Contains(SmartScopes.LaunchPatient) || scopes.Any(s => s.StartsWith("patient/", StringComparison.Ordinal)) ? user.PatientId : null);
        if (patient is null && scopes.Contains(SmartScopes.LaunchPatient))
        {
            return Refuse(Errors.InvalidRequest, "launch/patient needs a patient: launch from the EHR, sign in as a patient or family member, or pick one as a practitioner.");
        }

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, user.Login)
            .SetClaim(Claims.Name, user.DisplayName)
            .SetClaim(SmartClaims.FhirUser, user.FhirUser)
            .SetClaim(SmartClaims.Patient, patient)
            .SetClaim(SmartClaims.Encounter, launch?.Encounter)
            .SetClaim(SmartClaims.AppContext, launch?.AppContext)
            .SetClaim(SmartClaims.NeedPatientBanner, launch is null || launch.NeedPatientBanner || (sandbox.IsStrict && user.Kind != SandboxUserKind.Practitioner) ? "true" : "false")
            .SetClaim(SmartClaims.Session, session.Id);
        if (launch?.FhirContext is { Count: > 0 } fhirContext)
        {
            identity.SetClaim(SmartClaims.FhirContext, JsonSerializer.Serialize(fhirContext));
        }

        // Strict: a launch value opens the app once (used up when the code is issued, not before login or consent).
        if (sandbox.IsStrict && launch is not null && !launches.Consume((string)request["launch"]!))
        {
            return Refuse(Errors.InvalidRequest, "The launch value has been used already.");
        }

        identity.SetScopes(scopes);
        identity.SetResources(audience);
        identity.SetDestinations(claim => Destinations(claim, scopes));
        return Results.SignIn(new ClaimsPrincipal(identity), properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>Which tokens carry a claim; claims with none stay in the code and refresh token only.</summary>
    internal static IEnumerable<string> Destinations(Claim claim, IReadOnlyCollection<string> scopes)
    {
        var idToken = scopes.Contains(Scopes.OpenId);
        switch (claim.Type)
        {
            case Claims.Subject:
                yield return OpenIddictConstants.Destinations.AccessToken;
                if (idToken)
                {
                    yield return OpenIddictConstants.Destinations.IdentityToken;
                }

                break;
            case Claims.Name when idToken && scopes.Contains(Scopes.Profile):
                yield return OpenIddictConstants.Destinations.IdentityToken;
                break;
            case SmartClaims.FhirUser:
                yield return OpenIddictConstants.Destinations.AccessToken;
                if (idToken && scopes.Contains(SmartScopes.FhirUser))
                {
                    yield return OpenIddictConstants.Destinations.IdentityToken;
                }

                break;
            case SmartClaims.Patient:
                // The FHIR endpoint confines patient/ scopes to this patient.
                yield return OpenIddictConstants.Destinations.AccessToken;
                break;
        }
    }

    /// <summary>What the strict profile refuses in an authorize request, or null: wildcards, and offline_access for a clinician.</summary>
    internal static string? StrictRefusal(IEnumerable<string> scopes, SandboxUser user)
    {
        var asked = scopes.ToList();
        if (asked.FirstOrDefault(SmartScopes.IsWildcard) is { } wildcard)
        {
            return $"This EHR grants no wildcard resource scopes ('{wildcard}'): ask for each resource type by name.";
        }

        return user.Kind == SandboxUserKind.Practitioner && asked.Contains(SmartScopes.OfflineAccess)
            ? "This EHR does not grant offline_access to clinicians' launches: ask for online_access."
            : null;
    }

    /// <summary>The anti-forgery field of the consent form, not an authorization parameter.</summary>
    public const string AntiforgeryFormField = "__RequestVerificationToken";

    private static IResult Refuse(string error, string description)
        => Results.Forbid(
            new AuthenticationProperties(new Dictionary<string, string?>
            {
                [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
                [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
            }),
            [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);

    private static string ParametersAsQuery(OpenIddictRequest request)
        => QueryString.Create(request.GetParameters()
            .Where(p => p.Key is not (ConsentParameter or AntiforgeryFormField))
            .Select(p => new KeyValuePair<string, string?>(p.Key, (string?)p.Value))).ToUriComponent();
}
