using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace PatientVoice.Application.Invitations;

/// <summary>
/// The secret in a one-time link: 144 bits from the operating system's CSPRNG, base64url (24 characters, no padding).
/// Only its SHA-256 is stored (<see cref="Hash"/>); whoever reads the database cannot open a link.
/// </summary>
public static partial class InvitationToken
{
    /// <summary>Bytes of randomness: 18 (144 bits, more than the 128 the threat model asks for), 24 characters.</summary>
    public const int Bytes = 18;

    public const int Length = 24;

    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(Bytes)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Whether <paramref name="token"/> could be a token at all (looked up only then: nothing else reaches the store).</summary>
    public static bool IsWellFormed(string? token) => token is { Length: Length } && Shape().IsMatch(token);

    /// <summary>The stored form: lower-case hex SHA-256.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token)));

    /// <summary>
    /// The stored form of the date-of-birth check: an HMAC of the date keyed by the token, so the database alone
    /// cannot be searched for a birth date (a date has few values; the token has 144 bits).
    /// </summary>
    public static string BirthDateCheck(string token, DateOnly birthDate)
        => Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.ASCII.GetBytes(token), Encoding.ASCII.GetBytes(birthDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))));

    /// <summary>Compares two stored forms in constant time.</summary>
    public static bool SameHash(string a, string b)
        => CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(a), Encoding.ASCII.GetBytes(b));

    [GeneratedRegex("^[A-Za-z0-9_-]+$")]
    private static partial Regex Shape();
}
