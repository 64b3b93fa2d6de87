using PatientVoice.Smart.Launch;

namespace PatientVoice.Web.Launch;

/// <summary>
/// A launch between <c>/launch</c> and <c>/signin-smart</c>, held on the server under its <c>state</c>: what the
/// callback needs (the PKCE verifier never leaves the server) and the browser it belongs to.
/// </summary>
/// <param name="BrowserBinding">SHA-256 of the browser's <c>pv-launch</c> cookie: the callback must come from the same browser.</param>
public sealed record PendingLaunch(
    string Ehr,
    LaunchAudience Audience,
    bool EhrLaunch,
    string CodeVerifier,
    string RedirectUri,
    string BrowserBinding,
    DateTimeOffset Expires)
{
    /// <summary>The scopes asked for: what was granted when the token response leaves <c>scope</c> out (RFC 6749 §5.1).</summary>
    public string? Scope { get; init; }
}
