namespace PatientVoice.Web.Launch;

/// <summary>Configuration section <c>Smart</c>: the EHRs PatientVoice may be launched from, and session timings.</summary>
public sealed class SmartLaunchOptions
{
    public const string Section = "Smart";

    /// <summary>The EHRs (<c>Smart:Ehrs:{n}</c>); the first is the default of a standalone start.</summary>
    public List<EhrRegistration> Ehrs { get; set; } = [];

    /// <summary>
    /// PatientVoice's public base URL (e.g. <c>https://patientvoice.example.org</c>); the redirect URI is this plus
    /// <c>/signin-smart</c>. Empty: taken from each request (scheme, host, path base).
    /// </summary>
    public string? AppBaseUrl { get; set; }

    /// <summary>How long a user may take at the EHR (login, consent) between <c>/launch</c> and <c>/signin-smart</c>.</summary>
    public TimeSpan PendingLaunchLifetime { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A session ends after this long without a request (the cookie and the server-side record slide together).</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Origins besides PatientVoice's own and the configured EHRs' that may show PatientVoice in a frame
    /// (e.g. <c>https://ehr-ui.example.org</c>); see <see cref="FramingPolicy"/>.
    /// </summary>
    public List<string> FrameAncestors { get; set; } = [];

    /// <summary>An access token this close to its expiry is refreshed before it is used.</summary>
    public TimeSpan RefreshBeforeExpiry { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>One EHR (<c>Smart:Ehrs:{n}</c>) and PatientVoice's client registration there.</summary>
public sealed class EhrRegistration
{
    /// <summary>A short name, unique among the EHRs (<c>/launch/standalone?ehr={Name}</c>, sessions, logs).</summary>
    public string Name { get; set; } = "";

    /// <summary>The EHR's FHIR base URL: a launch's <c>iss</c> must be exactly this (case of scheme and host, and a trailing slash aside).</summary>
    public string FhirBaseUrl { get; set; } = "";

    public string ClientId { get; set; } = "";

    /// <summary>For <c>client_secret_basic</c>.</summary>
    public string? ClientSecret { get; set; }

    /// <summary><c>client_secret_basic</c> (default), <c>private_key_jwt</c> or <c>none</c>.</summary>
    public string ClientAuthentication { get; set; } = "client_secret_basic";

    /// <summary>For <c>private_key_jwt</c>: a PEM private key (RSA ≥ 2048 bits → RS384, EC P-384 → ES384).</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>For <c>private_key_jwt</c>: the <c>kid</c> of the key in the JWKS registered at the EHR.</summary>
    public string? KeyId { get; set; }

    /// <summary>The scopes asked of this EHR (<c>Smart:Ehrs:{n}:Scopes:Patient</c> / <c>:Clinician</c>); empty lists mean the least PatientVoice needs.</summary>
    public EhrScopeRegistration Scopes { get; set; } = new();
}

/// <summary>
/// Explicit scope lists for one EHR, each replacing the default for its audience (the launch scope, <c>launch</c> or
/// <c>launch/patient</c>, is added per launch). Each must name <c>openid</c> and <c>fhirUser</c>.
/// </summary>
public sealed class EhrScopeRegistration
{
    public List<string> Patient { get; set; } = [];

    public List<string> Clinician { get; set; } = [];
}
