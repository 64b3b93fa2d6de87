namespace PatientVoice.Application.EhrSync;

/// <summary>
/// Configuration section <c>EhrSync</c>: writing each submission back to the EHR's FHIR server with a SMART Backend
/// Services token. Off unless <see cref="Enabled"/> is true; then <see cref="FhirBaseUrl"/>, <see cref="ClientId"/> and
/// <see cref="PrivateKeyPath"/> are required (checked at start-up). The HTTP resilience (per-attempt timeout, retries
/// honouring Retry-After, circuit breaker) is Microsoft.Extensions.Http.Resilience's standard handler, configured under
/// <c>EhrSync:Resilience</c>.
/// </summary>
public sealed class EhrSyncOptions
{
    public const string Section = "EhrSync";

    public bool Enabled { get; set; }

    /// <summary>The EHR's FHIR base; its <c>.well-known/smart-configuration</c> names the token endpoint.</summary>
    public string? FhirBaseUrl { get; set; }

    /// <summary>Our Backend Services client id at the EHR.</summary>
    public string? ClientId { get; set; }

    /// <summary>PEM (PKCS#8, or RSA/EC PRIVATE KEY): an EC P-384 key signs ES384, an RSA key RS384.</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>The <c>kid</c> of the key in the JWKS the EHR holds for us.</summary>
    public string? KeyId { get; set; }

    /// <summary>The <c>system/</c> scopes asked for.</summary>
    public string Scope { get; set; } = "system/QuestionnaireResponse.cus system/Goal.cus system/Observation.cus system/DocumentReference.cus system/Provenance.cus";

    /// <summary>
    /// Per resource type, where it goes, tried in order: the type's own name writes it natively; <c>DocumentReference</c>
    /// means "carried by the patient note" (which always summarises the whole submission). Keys set here replace
    /// the defaults of <see cref="FallbackPlan.Defaults"/> for that type.
    /// </summary>
    public Dictionary<string, List<string>> Fallbacks { get; set; } = [];

    /// <summary>How often the worker looks for due deliveries (a submission in this process wakes it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a claimed delivery is a worker's; after a crash it is retried once this runs out.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(5);

    public int BatchSize { get; set; } = 4;

    /// <summary>The first wait after a delivery the EHR could not take; doubled per attempt up to <see cref="MaxRetryDelay"/> (Retry-After, when longer, wins).</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Attempts before a delivery that keeps failing for transient reasons is given up (about a day with the defaults).</summary>
    public int MaxAttempts { get; set; } = 200;

    /// <summary>How long the EHR's CapabilityStatement is trusted before it is read again.</summary>
    public TimeSpan CapabilityRefresh { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Timeout of the token request (discovery and token endpoint).</summary>
    public TimeSpan TokenTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
