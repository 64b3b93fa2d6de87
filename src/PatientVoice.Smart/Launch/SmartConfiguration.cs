namespace PatientVoice.Smart.Launch;

/// <summary>
/// What an EHR says about its authorization server in <c>{fhir base}/.well-known/smart-configuration</c>
/// (SMART App Launch 2.2 §Discovery), as far as this client uses it. Only validated instances exist
/// (<see cref="SmartConfigurationParser"/>): endpoints are absolute https (or loopback http) URLs, and S256 is supported.
/// </summary>
public sealed record SmartConfiguration
{
    /// <summary>The FHIR base URL this document was read from.</summary>
    public required Uri FhirBaseUrl { get; init; }

    public string? Issuer { get; init; }

    public Uri? JwksUri { get; init; }

    public required Uri AuthorizationEndpoint { get; init; }

    public required Uri TokenEndpoint { get; init; }

    public IReadOnlyList<string> Capabilities { get; init; } = [];

    public IReadOnlyList<string> ScopesSupported { get; init; } = [];

    public IReadOnlyList<string> CodeChallengeMethodsSupported { get; init; } = [];

    public IReadOnlyList<string> TokenEndpointAuthMethodsSupported { get; init; } = [];

    public IReadOnlyList<string> GrantTypesSupported { get; init; } = [];

    /// <summary>The server speaks SMART v2 scopes (<c>permission-v2</c>); otherwise this client asks in v1.</summary>
    public bool SupportsScopesV2 => Capabilities.Contains("permission-v2", StringComparer.Ordinal);
}
