namespace PatientVoice.Web.CdsHooks;

/// <summary>
/// <c>CdsHooks</c>: the EHRs allowed to call our CDS services (CDS Hooks 2.0 trust: each signs a JWT with its
/// private key; we check it against the public keys it serves at <see cref="CdsHooksClientOptions.JwksUrl"/>).
/// </summary>
public sealed class CdsHooksOptions
{
    public const string Section = "CdsHooks";

    /// <summary><c>CdsHooks:Clients:{n}:Issuer</c> and <c>:JwksUrl</c>. None configured: every call is refused.</summary>
    public List<CdsHooksClientOptions> Clients { get; set; } = [];

    /// <summary>
    /// <c>CdsHooks:BaseUrl</c>: our public base URL as the EHR calls it (the JWT's <c>aud</c> is <c>{BaseUrl}/cds-services/{id}</c>).
    /// Empty: taken from the request (scheme, host, path base).
    /// </summary>
    public string? BaseUrl { get; set; }

    /// <summary><c>CdsHooks:ClockSkew</c>: tolerance on <c>exp</c>, <c>iat</c> and <c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary><c>CdsHooks:MaxTokenLifetime</c>: an <c>exp</c> further ahead than this (5 minutes, as the spec recommends) is refused.</summary>
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary><c>CdsHooks:JwksRefreshInterval</c>: how long fetched keys are trusted before they are fetched again.</summary>
    public TimeSpan JwksRefreshInterval { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>One EHR that may call our CDS services.</summary>
public sealed class CdsHooksClientOptions
{
    /// <summary>The <c>iss</c> its JWTs carry (the sandbox: its EhrUrl, e.g. <c>http://localhost:5100</c>).</summary>
    public string Issuer { get; set; } = string.Empty;

    /// <summary>Where its public keys are (the sandbox: <c>{EhrUrl}/cds-hooks/jwks</c>).</summary>
    public string JwksUrl { get; set; } = string.Empty;
}
