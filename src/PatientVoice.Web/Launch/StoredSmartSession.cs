namespace PatientVoice.Web.Launch;

/// <summary>A session as kept on the server: what pages see (<see cref="Session"/>) and the EHR tokens, which nothing shows.</summary>
public sealed record StoredSmartSession(
    SmartSession Session,
    string AccessToken,
    DateTimeOffset AccessTokenExpires,
    string? RefreshToken)
{
    public override string ToString() => $"session {Session.Id} (token until {AccessTokenExpires:O}, refresh {(RefreshToken is null ? "no" : "yes")})";
}
