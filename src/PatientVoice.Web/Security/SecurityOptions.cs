namespace PatientVoice.Web.Security;

/// <summary>
/// <c>Security</c>: who may call the FHIR API. Each entry of <c>Security:Issuers</c> is an authorization server
/// whose bearer JWTs are accepted; <c>Security:Entra</c> (the AzureAd section shape of Microsoft.Identity.Web)
/// adds Microsoft Entra ID when present.
/// </summary>
public sealed class SecurityOptions
{
    public const string Section = "Security";
    public const string EntraSection = "Security:Entra";

    public List<TrustedIssuerOptions> Issuers { get; set; } = [];

    /// <summary>
    /// How many valid bearer tokens each trusted issuer's scheme remembers, so a client's next request with the same token
    /// skips the signature check (<see cref="RememberingTokenHandler"/>; lifetime, audience, issuer and key are checked
    /// every time), and as many Authorization headers' bearer scheme (<see cref="BearerSchemeRoutes"/>). 0 verifies and
    /// routes every request in full. About 5 KB per token.
    /// </summary>
    public int RememberedTokens { get; set; } = 4096;
}

/// <summary>One trusted SMART (or other OAuth 2.0) authorization server.</summary>
public sealed class TrustedIssuerOptions
{
    /// <summary>The exact <c>iss</c> of its tokens, e.g. <c>http://localhost:5100/</c>.</summary>
    public string? Issuer { get; set; }

    /// <summary>Where its signing keys are published (a JWKS document). One of JwksUrl, Authority or Jwks is needed.</summary>
    public string? JwksUrl { get; set; }

    /// <summary>The issuer's base URL for OpenID Connect discovery (<c>/.well-known/openid-configuration</c>), instead of JwksUrl.</summary>
    public string? Authority { get; set; }

    /// <summary>The issuer's public JWKS as inline JSON (for air-gapped set-ups and tests), instead of JwksUrl.</summary>
    public string? Jwks { get; set; }

    /// <summary>The <c>aud</c> its tokens must carry to be spent here: this API's FHIR base URL, e.g. <c>http://localhost:5000/fhir</c>.</summary>
    public string? Audience { get; set; }

    /// <summary>Its authorize endpoint, advertised in our smart-configuration and CapabilityStatement (optional).</summary>
    public string? AuthorizationEndpoint { get; set; }

    /// <summary>Its token endpoint, advertised in our smart-configuration and CapabilityStatement (optional).</summary>
    public string? TokenEndpoint { get; set; }

    /// <summary>
    /// Tolerance on its tokens' <c>exp</c> and <c>nbf</c> for clocks that disagree: ours stepped by NTP, or the issuer's
    /// off by minutes. Five minutes (the .NET default) keeps its tokens accepted through a five-minute step either way
    /// (ClockJumpTests); an expired token is still refused at most that long after its <c>exp</c>.
    /// </summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(5);
}
