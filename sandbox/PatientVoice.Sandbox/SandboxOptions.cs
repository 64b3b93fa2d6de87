namespace PatientVoice.Sandbox;

/// <summary>Configuration section <c>Sandbox</c> (environment: <c>Sandbox__EhrUrl</c>, …).</summary>
public sealed class SandboxOptions
{
    public const string Section = "Sandbox";

    /// <summary>Where the sandbox EHR is served; the issuer, and the FHIR base is this plus <c>/fhir</c>.</summary>
    public string EhrUrl { get; set; } = "http://localhost:5100";

    /// <summary>Where PatientVoice is served; the default redirect and launch URIs of its client derive from it.</summary>
    public string AppUrl { get; set; } = "http://localhost:5000";

    /// <summary>The folder of the sandbox's SQLite files (EHR resources, authorization server).</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>
    /// Lets automated tests name the user (<c>sandbox_user</c> on the authorize request) and skip login and
    /// consent. Sandbox only; default true in Development (appsettings.Development.json).
    /// </summary>
    public bool AllowTestLogin { get; set; }

    /// <summary>
    /// Accepts any client id with any redirect URI as a public client (PKCE required), as the SMART reference
    /// launcher does, so third-party apps can be tried here.
    /// </summary>
    public bool AllowAnyClient { get; set; }

    /// <summary>
    /// Test only (honoured with <see cref="AllowTestLogin"/>): launch context this EHR leaves out of every token response,
    /// as a misconfigured production EHR does: <c>patient</c> (no <c>patient</c> parameter) and/or <c>fhirUser</c> (no
    /// <c>fhirUser</c> in the id_token or access token). Empty (the default): nothing is left out.
    /// </summary>
    public List<string> OmitLaunchContext { get; set; } = [];

    /// <summary>The values <see cref="OmitLaunchContext"/> may name.</summary>
    public static readonly IReadOnlyList<string> OmittableLaunchContext = [Authorization.SmartClaims.Patient, Authorization.SmartClaims.FhirUser];

    /// <summary>Whether token responses leave <paramref name="context"/> out (<see cref="OmitLaunchContext"/>, test login on).</summary>
    public bool Omits(string context) => AllowTestLogin && OmitLaunchContext.Contains(context, StringComparer.Ordinal);

    /// <summary>How long an EHR launch value stays valid.</summary>
    public TimeSpan LaunchLifetime { get; set; } = TimeSpan.FromMinutes(5);

    public PatientVoiceClientOptions PatientVoiceClient { get; set; } = new();

    /// <summary>SMART Backend Services clients (<c>client_credentials</c> with <c>private_key_jwt</c>).</summary>
    public List<BackendClientOptions> BackendClients { get; set; } = [];

    /// <summary>The longest an authentication JWT may reach into the future (SMART Backend Services: five minutes).</summary>
    public TimeSpan MaxClientAssertionLifetime { get; set; } = TimeSpan.FromMinutes(5);

    public string FhirBase => EhrUrl.TrimEnd('/') + "/fhir";

    /// <summary>PatientVoice's own FHIR API (<c>{AppUrl}/fhir</c>): the other audience this authorization server issues tokens for.</summary>
    public string AppFhirBase => AppUrl.TrimEnd('/') + "/fhir";

    /// <summary>
    /// The resource server a token is for, from the client's <c>aud</c>: this EHR's FHIR base (the default), or
    /// PatientVoice's; null for anything else.
    /// </summary>
    public string? AudienceFor(string? aud)
    {
        var requested = string.IsNullOrEmpty(aud) ? FhirBase : aud.TrimEnd('/');
        return requested == FhirBase || requested == AppFhirBase ? requested : null;
    }

    /// <summary>Start PatientVoice as a child process configured against this EHR (the one command); false runs the EHR alone.</summary>
    public bool StartPatientVoice { get; set; } = true;

    /// <summary>PatientVoice.Web.dll to run; empty means the build output beside this repository's sources.</summary>
    public string? PatientVoicePath { get; set; }

    /// <summary>The backend client PatientVoice's write-back signs in as; registered with the key in the data folder.</summary>
    public string PatientVoiceBackendClientId { get; set; } = "patientvoice-backend";

    /// <summary>
    /// Subscribe to PatientVoice's "questionnaire completed" topic once it answers, so an open chart shows a completed
    /// pre-visit questionnaire (and what the write-back brought) without a reload; false leaves PatientVoice unsubscribed.
    /// </summary>
    public bool SubscribeToPatientVoice { get; set; } = true;

    /// <summary>The backend client the EHR's own subscriber signs in as (to PatientVoice's API); registered with the key in the data folder.</summary>
    public string SubscriberClientId { get; set; } = "sandbox-ehr-subscriber";

    /// <summary>
    /// CDS services registered with this EHR for FHIR access: each hook call to one gets <c>fhirAuthorization</c>, a
    /// five-minute token for the hook's patient with the <c>patient/</c> scopes named here (CDS Hooks 2.0). Others get none.
    /// </summary>
    public List<CdsServiceAccessOptions> CdsServiceAccess { get; set; } = [];

    /// <summary>CDS Hooks services (discovery base URLs) called when a chart opens; empty means <c>{AppUrl}/cds-services</c>.</summary>
    public List<string> CdsServices { get; set; } = [];

    /// <summary>How long a chart waits for the CDS services (discovery and hook together) before it renders without them.</summary>
    public TimeSpan CdsHooksTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Lifetime of access tokens from the authorization server; unset: an hour (<c>open</c>) or five minutes (<c>strict</c>).</summary>
    public TimeSpan? AccessTokenLifetime { get; set; }

    /// <summary>The access token lifetime in force (<see cref="AccessTokenLifetime"/>, else the profile's).</summary>
    public TimeSpan EffectiveAccessTokenLifetime => AccessTokenLifetime ?? (IsStrict ? TimeSpan.FromMinutes(5) : TimeSpan.FromHours(1));

    /// <summary>
    /// How this EHR behaves (<see cref="SandboxProfiles"/>): <c>open</c> (the default) grants what it is asked;
    /// <c>strict</c> behaves like a cautious production EHR (sandbox/README.md, "Profiles").
    /// </summary>
    public string Profile { get; set; } = SandboxProfiles.Open;

    public bool IsStrict => SandboxProfiles.IsStrict(Profile);

    /// <summary>How long a user's sign-in session lives at most; <c>online_access</c> refresh tokens live no longer.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    public string AppBase => AppUrl.TrimEnd('/');

    public string EhrBase => EhrUrl.TrimEnd('/');

    /// <summary>The CDS services to call, as configured or PatientVoice's by default.</summary>
    public IReadOnlyList<string> CdsServiceUrls => CdsServices.Count > 0 ? CdsServices : [AppBase + "/cds-services"];
}

/// <summary>The pre-registered confidential client for PatientVoice (<c>Sandbox:PatientVoiceClient</c>).</summary>
public sealed class PatientVoiceClientOptions
{
    public string ClientId { get; set; } = "patientvoice";

    public string ClientSecret { get; set; } = "patientvoice-sandbox-secret";

    /// <summary>Exact redirect URIs; empty means <c>{AppUrl}/signin-smart</c>.</summary>
    public List<string> RedirectUris { get; set; } = [];

    /// <summary>
    /// Optional public JWKS (inline JSON): when set, the client may also authenticate with <c>private_key_jwt</c>
    /// (RS384/ES384) signed by one of these keys, besides its secret.
    /// </summary>
    public string? Jwks { get; set; }
}

/// <summary>A CDS service registered for FHIR access (<c>Sandbox:CdsServiceAccess:n</c>).</summary>
public sealed class CdsServiceAccessOptions
{
    /// <summary>The service's URL: its discovery URL plus <c>/{id}</c>.</summary>
    public string ServiceUrl { get; set; } = "";

    /// <summary>Its OAuth client id at this EHR (the token's <c>subject</c>).</summary>
    public string ClientId { get; set; } = "";

    /// <summary>The <c>patient/</c> scopes it is granted, space-separated, e.g. <c>patient/Patient.rs patient/Condition.rs</c>.</summary>
    public string Scopes { get; set; } = "";
}

/// <summary>A backend client (<c>Sandbox:BackendClients:n</c>): its client id and its public JWKS, inline or by URL.</summary>
public sealed class BackendClientOptions
{
    public string ClientId { get; set; } = "";

    /// <summary>The client's public JSON Web Key Set, inline (<c>{"keys":[…]}</c>); a client without one is not registered.</summary>
    public string? Jwks { get; set; }

    /// <summary>Where the client publishes its JWKS; fetched when an assertion is checked (cached briefly, refetched for an unknown kid).</summary>
    public string? JwksUrl { get; set; }
}
