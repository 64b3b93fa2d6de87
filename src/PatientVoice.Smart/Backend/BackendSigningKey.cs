using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace PatientVoice.Smart.Backend;

/// <summary>
/// The backend client's private key from a PEM file (PKCS#8 <c>PRIVATE KEY</c>, or <c>RSA</c>/<c>EC PRIVATE KEY</c>):
/// an RSA key of 2048 bits or more signs RS384, an EC P-384 key signs ES384 (the two SMART Backend Services allows).
/// </summary>
public static class BackendSigningKey
{
    public static SigningCredentials FromPem(string pem, string? keyId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pem);
        SecurityKey key;
        string algorithm;
        if (pem.Contains("EC PRIVATE KEY", StringComparison.Ordinal) || TryImport(RSA.Create(), pem) is not { } rsa)
        {
            var ec = TryImport(ECDsa.Create(), pem) ?? throw new ArgumentException("The PEM holds neither an RSA nor an EC private key.", nameof(pem));
            if (ec.ExportParameters(false).Curve.Oid.Value != ECCurve.NamedCurves.nistP384.Oid.Value)
            {
                throw new ArgumentException("The EC key is not on the P-384 curve, which ES384 needs.", nameof(pem));
            }

            key = new ECDsaSecurityKey(ec);
            algorithm = SecurityAlgorithms.EcdsaSha384;
        }
        else
        {
            if (rsa.KeySize < 2048)
            {
                throw new ArgumentException($"The RSA key has {rsa.KeySize} bits; SMART asks for 2048 or more.", nameof(pem));
            }

            key = new RsaSecurityKey(rsa);
            algorithm = SecurityAlgorithms.RsaSha384;
        }

        key.KeyId = keyId;
        return new SigningCredentials(key, algorithm);
    }

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
