using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace PatientVoice.Smart.ClientAuthentication;

/// <summary>
/// Loads a client's private key from PEM (PKCS#8 <c>PRIVATE KEY</c>, or <c>RSA PRIVATE KEY</c> / <c>EC PRIVATE KEY</c>)
/// as signing credentials for <see cref="ClientAssertion"/>: an RSA key (2048 bits or more) signs RS384, an EC
/// P-384 key signs ES384.
/// </summary>
public static class SigningKeyPem
{
    public static SigningCredentials Load(string pem, string? keyId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pem);
        SecurityKey key;
        string algorithm;
        if (TryImport(RSA.Create(), pem) is { } rsa)
        {
            if (rsa.KeySize < 2048)
            {
                throw new ArgumentException($"The RSA key has {rsa.KeySize} bits; SMART asks for 2048 or more.", nameof(pem));
            }

            key = new RsaSecurityKey(rsa);
            algorithm = SecurityAlgorithms.RsaSha384;
        }
        else if (TryImport(ECDsa.Create(), pem) is { } ec)
        {
            if (ec.ExportParameters(false).Curve.Oid.Value != ECCurve.NamedCurves.nistP384.Oid.Value)
            {
                throw new ArgumentException("The EC key is not on the P-384 curve, which ES384 needs.", nameof(pem));
            }

            key = new ECDsaSecurityKey(ec);
            algorithm = SecurityAlgorithms.EcdsaSha384;
        }
        else
        {
            throw new ArgumentException("The PEM holds neither an RSA nor an EC private key.", nameof(pem));
        }

        key.KeyId = keyId;
        return new SigningCredentials(key, algorithm);
    }

    public static SigningCredentials LoadFile(string path, string? keyId) => Load(File.ReadAllText(path), keyId);

    private static T? TryImport<T>(T algorithm, string pem) where T : AsymmetricAlgorithm
    {
        try
        {
            algorithm.ImportFromPem(pem);
            return algorithm;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            algorithm.Dispose();
            return null;
        }
    }
}
