using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace PatientVoice.Testing;

/// <summary>
/// A test authorization server in miniature: an EC P-256 key made per test process, its public JWKS (given to
/// the server under test as a trusted issuer, <c>Security:Issuers:9</c>), and real ES256 JWTs signed with it,
/// checked by the server's real JwtBearer pipeline. Also makes the broken tokens the authorization tests need.
/// </summary>
public static class TestTokens
{
    public const string Issuer = "https://issuer.tests.patientvoice.invalid/";
    public const string KeyId = "tests-es256";

    /// <summary>What the shared test clients carry: every type and the audit trail, for every patient.</summary>
    public const string AllAccess = "system/*.cruds system/AuditEvent.rs";

    /// <summary>The index under <c>Security:Issuers</c> the test issuer takes (0 is the sandbox's by default).</summary>
    public const int ConfigurationIndex = 9;

    private static readonly ECDsa Key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>The public key as a JWKS document.</summary>
    public static string Jwks { get; } = JwksOf(Key, KeyId);

    /// <summary>Server configuration that trusts the test issuer for tokens whose aud is <paramref name="audience"/>.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ServerSettings(string audience) =>
    [
        new($"Security:Issuers:{ConfigurationIndex}:Issuer", Issuer),
        new($"Security:Issuers:{ConfigurationIndex}:Jwks", Jwks),
        new($"Security:Issuers:{ConfigurationIndex}:Audience", audience),
    ];

    /// <summary>A valid token (unless the optional arguments break it) for <paramref name="audience"/>.</summary>
    public static string Create(string audience, string scope, string? patient = null, string? fhirUser = null, string clientId = "test-client",
        DateTimeOffset? expires = null, DateTimeOffset? notBefore = null, string? issuer = null)
    {
        var now = DateTimeOffset.UtcNow;
        var payload = new JsonObject
        {
            ["iss"] = issuer ?? Issuer,
            ["sub"] = fhirUser?.Split('/')[^1] ?? clientId,
            ["aud"] = audience,
            ["client_id"] = clientId,
            ["scope"] = scope,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["nbf"] = (notBefore ?? now.AddSeconds(-5)).ToUnixTimeSeconds(),
            ["exp"] = (expires ?? now.AddMinutes(30)).ToUnixTimeSeconds(),
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (patient is not null)
        {
            payload["patient"] = patient;
        }

        if (fhirUser is not null)
        {
            payload["fhirUser"] = fhirUser;
        }

        return Sign(payload, Key, KeyId);
    }

    /// <summary>Signs <paramref name="payload"/> (any claims, e.g. with one left out) with the test issuer's own key.</summary>
    public static string Sign(JsonObject payload) => Sign(payload, Key, KeyId);

    /// <summary>Signs <paramref name="payload"/> with ES256 under <paramref name="key"/>.</summary>
    public static string Sign(JsonObject payload, ECDsa key, string keyId)
    {
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["alg"] = "ES256", ["typ"] = "at+jwt", ["kid"] = keyId }));
        var body = Encode(JsonSerializer.SerializeToUtf8Bytes(payload));
        var signature = key.SignData(Encoding.ASCII.GetBytes($"{header}.{body}"), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{header}.{body}.{Encode(signature)}";
    }

    /// <summary>The claims of a token as JSON (no check), to build a tampered copy.</summary>
    public static JsonObject Payload(string token) => JsonNode.Parse(Decode(token.Split('.')[1]))!.AsObject();

    /// <summary>A token whose payload is replaced but whose header and signature are kept (a forgery).</summary>
    public static string WithPayload(string token, JsonObject payload)
    {
        var parts = token.Split('.');
        return $"{parts[0]}.{Encode(JsonSerializer.SerializeToUtf8Bytes(payload))}.{parts[2]}";
    }

    /// <summary>An unsigned token: <c>alg: none</c> and no signature.</summary>
    public static string Unsigned(JsonObject payload)
        => $"{Encode(JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["alg"] = "none", ["typ"] = "JWT" }))}.{Encode(JsonSerializer.SerializeToUtf8Bytes(payload))}.";

    /// <summary>The key-confusion attack: HS256 with the issuer's public key (its JWKS text) as the HMAC secret.</summary>
    public static string HmacWithPublicKey(JsonObject payload, string secret)
    {
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = KeyId }));
        var body = Encode(JsonSerializer.SerializeToUtf8Bytes(payload));
        var signature = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.ASCII.GetBytes($"{header}.{body}"));
        return $"{header}.{body}.{Encode(signature)}";
    }

    public static string JwksOf(ECDsa key, string keyId)
    {
        var parameters = key.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["keys"] = new JsonArray(new JsonObject
            {
                ["kty"] = "EC",
                ["crv"] = "P-256",
                ["use"] = "sig",
                ["alg"] = "ES256",
                ["kid"] = keyId,
                ["x"] = Encode(parameters.Q.X!),
                ["y"] = Encode(parameters.Q.Y!),
            }),
        }.ToJsonString();
    }

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Decode(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded.PadRight(padded.Length + ((4 - (padded.Length % 4)) % 4), '='));
    }
}
