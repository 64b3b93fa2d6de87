using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PatientVoice.Smart.ClientAuthentication;

/// <summary>
/// A <c>private_key_jwt</c> client assertion (RFC 7523; SMART App Launch "asymmetric" client authentication and
/// SMART Backend Services): signed RS384 or ES384, <c>iss</c> = <c>sub</c> = the client id, <c>aud</c> = the token
/// endpoint URL, a fresh <c>jti</c>, and <c>exp</c> five minutes ahead (the most SMART allows).
/// </summary>
public static class ClientAssertion
{
    /// <summary>The <c>client_assertion_type</c> that goes with the assertion.</summary>
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>How far ahead <c>exp</c> lies.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(5);

    private static readonly JsonWebTokenHandler Handler = new() { SetDefaultTimesOnTokenCreation = false };

    public static string Create(string clientId, string tokenEndpoint, SigningCredentials credentials, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrEmpty(clientId);
        ArgumentException.ThrowIfNullOrEmpty(tokenEndpoint);
        ArgumentNullException.ThrowIfNull(credentials);
        ArgumentNullException.ThrowIfNull(time);
        if (credentials.Algorithm is not (SecurityAlgorithms.RsaSha384 or SecurityAlgorithms.EcdsaSha384))
        {
            throw new ArgumentException($"SMART client assertions are signed RS384 or ES384, not {credentials.Algorithm}.", nameof(credentials));
        }

        var now = time.GetUtcNow();
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = clientId,
            Audience = tokenEndpoint,
            Subject = new ClaimsIdentity([new Claim(JwtRegisteredClaimNames.Sub, clientId)]),
            Claims = new Dictionary<string, object> { [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N") },
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + Lifetime).UtcDateTime,
            SigningCredentials = credentials,
            TokenType = "JWT",
        };
        return Handler.CreateToken(descriptor);
    }
}
