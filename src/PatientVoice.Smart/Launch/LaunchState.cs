using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.Tokens;

namespace PatientVoice.Smart.Launch;

/// <summary>
/// The OAuth <c>state</c>: 32 random bytes (256 bits, over the 122 SMART asks for) as 43 base64url characters,
/// compared in constant time.
/// </summary>
public static class LaunchState
{
    public const int RandomBytes = 32;

    public static string Create() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(RandomBytes));

    /// <summary>True when <paramref name="received"/> is exactly <paramref name="expected"/>, without leaking where they differ.</summary>
    public static bool Matches(string expected, string? received)
        => received is not null
           && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(received));
}
