using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace PatientVoice.Sandbox.Keys;

/// <summary>
/// An EC P-384 key pair kept as a PKCS#8 PEM file: created on first use, read afterwards, so that whoever holds
/// the public half (a JWKS) keeps trusting it across restarts. The key id is the RFC 7638 thumbprint.
/// </summary>
public sealed class EcKeyFile : IDisposable
{
    private EcKeyFile(string path, ECDsa key)
    {
        Path = path;
        Key = key;
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(key));
        KeyId = Base64UrlEncoder.Encode(jwk.ComputeJwkThumbprint());
    }

    public string Path { get; }

    public ECDsa Key { get; }

    public string KeyId { get; }

    /// <summary>Reads the key at <paramref name="path"/>, or makes one and writes it there (owner-readable only where the OS allows).</summary>
    public static EcKeyFile LoadOrCreate(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var key = ECDsa.Create();
        if (File.Exists(full))
        {
            key.ImportFromPem(File.ReadAllText(full));
            return new EcKeyFile(full, key);
        }

        key.GenerateKey(ECCurve.NamedCurves.nistP384);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var temporary = full + ".tmp";
        File.WriteAllText(temporary, key.ExportPkcs8PrivateKeyPem());
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, full, overwrite: true);
        return new EcKeyFile(full, key);
    }

    public SigningCredentials SigningCredentials => new(new ECDsaSecurityKey(Key) { KeyId = KeyId }, SecurityAlgorithms.EcdsaSha384);

    /// <summary>The public key as a JSON Web Key Set (<c>{"keys":[…]}</c>), for ES384 signatures.</summary>
    public string PublicJwks()
    {
        var q = Key.ExportParameters(includePrivateParameters: false).Q;
        return JsonSerializer.Serialize(new
        {
            keys = new[]
            {
                new { kty = "EC", crv = "P-384", use = "sig", alg = "ES384", kid = KeyId, x = Base64UrlEncoder.Encode(q.X), y = Base64UrlEncoder.Encode(q.Y) },
            },
        });
    }

    public void Dispose() => Key.Dispose();
}
