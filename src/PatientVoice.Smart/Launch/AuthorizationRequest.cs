using System.Text;

namespace PatientVoice.Smart.Launch;

/// <summary>
/// The authorize request of a SMART launch (authorization code with PKCE S256), sent as a browser redirect (GET)
/// to the EHR's <c>authorization_endpoint</c>.
/// </summary>
public sealed record AuthorizationRequest
{
    public required SmartConfiguration Configuration { get; init; }

    public required string ClientId { get; init; }

    public required Uri RedirectUri { get; init; }

    public required string Scope { get; init; }

    public required string State { get; init; }

    /// <summary>The PKCE code challenge (S256).</summary>
    public required string CodeChallenge { get; init; }

    /// <summary>The EHR's <c>launch</c> value (EHR launch), or null for a standalone launch.</summary>
    public string? Launch { get; init; }

    /// <summary>Extra parameters (e.g. a sandbox's test login); never overrides the ones above.</summary>
    public IReadOnlyDictionary<string, string> Extra { get; init; } = new Dictionary<string, string>();

    /// <summary>The URL to send the browser to: the authorization endpoint with these parameters; <c>aud</c> is the FHIR base URL.</summary>
    public Uri ToUri()
    {
        var parameters = new List<KeyValuePair<string, string>>
        {
            new("response_type", "code"),
            new("client_id", ClientId),
            new("redirect_uri", RedirectUri.AbsoluteUri),
            new("scope", Scope),
            new("state", State),
            new("aud", SmartUrls.NormalizeBase(Configuration.FhirBaseUrl)),
            new("code_challenge", CodeChallenge),
            new("code_challenge_method", Pkce.Method),
        };
        if (!string.IsNullOrEmpty(Launch))
        {
            parameters.Add(new("launch", Launch));
        }

        parameters.AddRange(Extra.Where(e => !parameters.Exists(p => p.Key == e.Key)));
        var endpoint = Configuration.AuthorizationEndpoint;
        var query = new StringBuilder(endpoint.Query.TrimStart('?'));
        foreach (var (name, value) in parameters)
        {
            query.Append(query.Length > 0 ? "&" : "").Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return new UriBuilder(endpoint) { Query = query.ToString() }.Uri;
    }
}
