using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace PatientVoice.Smart.Launch;

/// <summary>
/// A PKCE pair (RFC 7636, S256 only as SMART 2.2 requires): a verifier of 43 characters from 32 random bytes
/// (base64url, within the 43–128 the RFC allows) and its challenge, <c>BASE64URL(SHA256(verifier))</c>.
/// </summary>
public sealed record Pkce(string Verifier, string Challenge)
{
    public const string Method = "S256";

    public static Pkce Create()
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        return new Pkce(verifier, ChallengeOf(verifier));
    }

    public static string ChallengeOf(string verifier)
        => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    // The verifier is a secret until the token exchange.
    public override string ToString() => $"PKCE {Method} {Challenge}";
}
