using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PatientVoice.Smart.ClientAuthentication;

namespace PatientVoice.Smart.Tests;

public sealed class ClientAssertionTests
{
    private const string TokenEndpoint = "https://ehr.example.org/connect/token";

    [Theory]
    [InlineData("RS384")]
    [InlineData("ES384")]
    public async Task A_client_assertion_is_signed_and_names_the_client_the_token_endpoint_and_a_short_expiry(string algorithm)
    {
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        SecurityKey key = algorithm == "RS384" ? new RsaSecurityKey(rsa) { KeyId = "k1" } : new ECDsaSecurityKey(ec) { KeyId = "k1" };
        var now = DateTimeOffset.UtcNow;

        var jwt = ClientAssertion.Create("patientvoice", TokenEndpoint, new SigningCredentials(key, algorithm), TimeProvider.System);

        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(jwt, new TokenValidationParameters
        {
            ValidIssuer = "patientvoice",
            ValidAudience = TokenEndpoint,
            IssuerSigningKey = key,
            ValidAlgorithms = [algorithm],
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
        var token = (JsonWebToken)validation.SecurityToken;
        Assert.Equal("patientvoice", token.Subject);
        Assert.Equal("k1", token.Kid);
        Assert.False(string.IsNullOrEmpty(token.Id));
        Assert.InRange(token.ValidTo, now.UtcDateTime.AddMinutes(4), now.UtcDateTime.AddMinutes(5).AddSeconds(1));
    }

    [Fact]
    public void Every_client_assertion_has_its_own_jti()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var credentials = new SigningCredentials(new ECDsaSecurityKey(ec), SecurityAlgorithms.EcdsaSha384);

        var ids = Enumerable.Range(0, 20).Select(_ => new JsonWebToken(ClientAssertion.Create("c", TokenEndpoint, credentials, TimeProvider.System)).Id).ToHashSet();

        Assert.Equal(20, ids.Count);
    }

    [Fact]
    public void Algorithms_other_than_RS384_and_ES384_are_refused()
    {
        using var rsa = RSA.Create(2048);

        Assert.Throws<ArgumentException>(() => ClientAssertion.Create("c", TokenEndpoint, new SigningCredentials(new RsaSecurityKey(rsa), SecurityAlgorithms.RsaSha256), TimeProvider.System));
    }

    [Fact]
    public void A_pem_key_is_loaded_with_the_algorithm_its_type_calls_for()
    {
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var p256 = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.Equal(SecurityAlgorithms.RsaSha384, SigningKeyPem.Load(rsa.ExportPkcs8PrivateKeyPem(), "r").Algorithm);
        Assert.Equal(SecurityAlgorithms.EcdsaSha384, SigningKeyPem.Load(ec.ExportPkcs8PrivateKeyPem(), "e").Algorithm);
        Assert.Equal("e", SigningKeyPem.Load(ec.ExportECPrivateKeyPem(), "e").Key.KeyId);
        Assert.Throws<ArgumentException>(() => SigningKeyPem.Load(p256.ExportPkcs8PrivateKeyPem(), "p"));
        Assert.Throws<ArgumentException>(() => SigningKeyPem.Load("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----", "x"));
    }
}
