using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using PatientVoice.Smart.Launch;

namespace PatientVoice.Web.Launch;

/// <summary>
/// The two halves of a SMART launch. <see cref="StartAsync"/> (from <c>/launch</c>): discovery of a configured
/// EHR, a pending launch bound to this browser, and the redirect to the EHR's authorize endpoint.
/// <see cref="CompleteAsync"/> (from <c>/signin-smart</c>): the state checked, the code redeemed, a server-side
/// session created and the browser sent into PatientVoice.
/// </summary>
public sealed class SmartLaunchHandler(
    EhrDirectory ehrs,
    SmartDiscovery discovery,
    SmartTokenClient tokens,
    PendingLaunchStore pendingLaunches,
    SmartSessionStore sessions,
    IOptions<SmartLaunchOptions> options,
    TimeProvider time,
    ILogger<SmartLaunchHandler> logger)
{
    /// <summary>The cookie binding a pending launch to the browser that started it (HttpOnly, random, reused across launches).</summary>
    public const string BindingCookie = "pv-launch";

    /// <summary>The session cookie (an encrypted ticket naming the server-side session).</summary>
    public const string SessionCookie = "pv-session";

    public const string CallbackPath = "/signin-smart";

    /// <param name="launch">The EHR's <c>launch</c> value (EHR launch), or null (standalone).</param>
    /// <param name="choosePatient">A clinician's standalone start asks the EHR for a patient (<c>launch/patient</c>: its patient picker).</param>
    public async Task<LaunchResult> StartAsync(HttpContext http, ConfiguredEhr ehr, LaunchAudience audience, string? launch, CancellationToken cancellationToken, bool choosePatient = false)
    {
        var ehrLaunch = !string.IsNullOrEmpty(launch);
        SmartConfiguration configuration;
        try
        {
            configuration = await discovery.GetAsync(ehr.FhirBaseUrl, cancellationToken);
        }
        catch (SmartLaunchException e)
        {
            return Refuse(http, Classify(e));
        }

        var pkce = Pkce.Create();
        var state = LaunchState.Create();
        var redirectUri = RedirectUri(http);
        var binding = BrowserBinding(http);
        var lifetime = options.Value.PendingLaunchLifetime;
        var scope = LaunchScopes.For(audience, ehrLaunch, ehr.ScopesFor(audience, configuration), choosePatient && !ehrLaunch);
        await pendingLaunches.SaveAsync(state, new PendingLaunch(ehr.Name, audience, ehrLaunch, pkce.Verifier, redirectUri.AbsoluteUri, Hash(binding), time.GetUtcNow() + lifetime) { Scope = scope }, lifetime, cancellationToken);

        var authorize = new AuthorizationRequest
        {
            Configuration = configuration,
            ClientId = ehr.Client.ClientId,
            RedirectUri = redirectUri,
            Scope = scope,
            State = state,
            CodeChallenge = pkce.Challenge,
            Launch = launch,
        };
        LaunchLog.Started(logger, ehr.Name, ehrLaunch ? "ehr" : "standalone", audience.ToString(), http.TraceIdentifier);
        return LaunchResult.Redirect(authorize.ToUri().AbsoluteUri);
    }

    public async Task<LaunchResult> CompleteAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var query = http.Request.Query;
        var state = query["state"].ToString();
        if (string.IsNullOrEmpty(state) || state.Length > 512)
        {
            return Refuse(http, LaunchFailure.StateInvalid);
        }

        // Taken (removed) before anything else: a state is good for one callback, whatever its outcome.
        var pending = await pendingLaunches.TakeAsync(state, cancellationToken);
        if (pending is null
            || !http.Request.Cookies.TryGetValue(BindingCookie, out var binding)
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(binding)), Encoding.ASCII.GetBytes(pending.BrowserBinding)))
        {
            return Refuse(http, LaunchFailure.StateInvalid);
        }

        if (pending.Expires <= time.GetUtcNow())
        {
            return Refuse(http, LaunchFailure.LaunchExpired);
        }

        if (query["error"].ToString() is { Length: > 0 } error)
        {
            return Refuse(http, error == "access_denied" ? LaunchFailure.ConsentDenied : LaunchFailure.AuthorizationFailed);
        }

        var code = query["code"].ToString();
        if (string.IsNullOrEmpty(code))
        {
            return Refuse(http, LaunchFailure.AuthorizationFailed);
        }

        if (ehrs.FindByName(pending.Ehr) is not { } ehr)
        {
            return Refuse(http, LaunchFailure.UnknownEhr);
        }

        SmartTokenResponse granted;
        try
        {
            var configuration = await discovery.GetAsync(ehr.FhirBaseUrl, cancellationToken);
            // RFC 9207: an authorization server that names itself in the response must be the one asked.
            if (query["iss"].ToString() is { Length: > 0 } issuer && configuration.Issuer is not null
                && !string.Equals(issuer.TrimEnd('/'), configuration.Issuer.TrimEnd('/'), StringComparison.Ordinal))
            {
                return Refuse(http, LaunchFailure.AuthorizationFailed);
            }

            granted = await tokens.ExchangeCodeAsync(configuration, ehr.Client, code, new Uri(pending.RedirectUri), pending.CodeVerifier, cancellationToken, pending.Scope);
        }
        catch (SmartLaunchException e)
        {
            return Refuse(http, Classify(e));
        }

        var session = new SmartSession
        {
            Id = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32)),
            Ehr = ehr.Name,
            FhirBaseUrl = ehr.FhirBaseUrl,
            Patient = granted.Patient,
            Encounter = granted.Encounter,
            FhirUser = FhirUserReference.Normalize(granted.FhirUser),
            FhirContext = [.. granted.FhirContext.Select(c => c.Reference ?? c.Canonical!)],
            AppContext = granted.AppContext,
            NeedPatientBanner = granted.NeedPatientBanner,
            SmartStyleUrl = granted.SmartStyleUrl,
            Scope = granted.Scope,
        };
        // A patient page is about one patient; every page records what it does in the user's name.
        if (pending.Audience == LaunchAudience.Patient && session.Patient is null)
        {
            return Refuse(http, LaunchFailure.NoPatientContext);
        }

        if (session.FhirUser is null)
        {
            return Refuse(http, LaunchFailure.NoFhirUser);
        }

        if (session.Role != SessionRole.Practitioner && session.Patient is null)
        {
            return Refuse(http, LaunchFailure.NoPatientContext);
        }

        var expires = time.GetUtcNow() + (granted.ExpiresIn ?? SmartSessionTokens.AssumedLifetime);
        await sessions.SaveAsync(new StoredSmartSession(session, granted.AccessToken, expires, granted.RefreshToken), cancellationToken);
        await SignInAsync(http, session);
        LaunchLog.SessionStarted(logger, session.Id, ehr.Name, session.Role.ToString(), http.TraceIdentifier);
        return LaunchResult.Redirect(LaunchDestinations.For(session));
    }

    /// <summary>Signs the browser into <paramref name="session"/> (a SMART launch's session and a one-time link's alike).</summary>
    internal static async Task SignInAsync(HttpContext http, SmartSession session)
    {
        var identity = new ClaimsIdentity(SmartSessionPolicies.CookieScheme, SmartSessionClaims.SessionId, SmartSessionClaims.Role);
        identity.AddClaim(new Claim(SmartSessionClaims.SessionId, session.Id));
        identity.AddClaim(new Claim(SmartSessionClaims.Role, session.Role.ToString()));
        if (session.Patient is not null)
        {
            identity.AddClaim(new Claim(SmartSessionClaims.Patient, session.Patient));
        }

        // Not persistent: the session cookie ends with the browser session, or earlier when idle.
        await http.SignInAsync(SmartSessionPolicies.CookieScheme, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = false, AllowRefresh = true });
    }

    private LaunchResult Refuse(HttpContext http, LaunchFailure failure)
    {
        LaunchLog.Refused(logger, failure.Code(), http.TraceIdentifier);
        return LaunchResult.Fail(failure);
    }

    private static LaunchFailure Classify(SmartLaunchException e) => e switch
    {
        SmartServerUnreachableException => LaunchFailure.EhrUnreachable,
        SmartConfigurationInvalidException => LaunchFailure.EhrMisconfigured,
        _ => LaunchFailure.TokenRefused,
    };

    private Uri RedirectUri(HttpContext http)
    {
        var configured = options.Value.AppBaseUrl;
        var baseUrl = string.IsNullOrWhiteSpace(configured)
            ? $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}"
            : configured;
        return new Uri(baseUrl.TrimEnd('/') + CallbackPath);
    }

    /// <summary>This browser's binding value: the existing cookie's, or a new one (the cookie is written either way).</summary>
    private string BrowserBinding(HttpContext http)
    {
        var value = http.Request.Cookies.TryGetValue(BindingCookie, out var existing) && existing is { Length: 43 } ? existing : LaunchState.Create();
        var cookie = new CookieOptions
        {
            HttpOnly = true,
            Path = "/",
            MaxAge = options.Value.PendingLaunchLifetime,
            IsEssential = true,
        };
        SessionCookieSecurity.Apply(http, cookie);
        http.Response.Cookies.Append(BindingCookie, value, cookie);
        return value;
    }

    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
