using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PatientVoice.Web.Tests.CdsHooks;

/// <summary>
/// A test-owned EHR signing key (EC P-384) whose public JWKS is served over real HTTP on 127.0.0.1, and the CDS Hooks
/// JWTs that EHR would sign.
/// </summary>
public sealed class TestEhrKeys : IAsyncDisposable
{
    public const string Issuer = "http://ehr.test.invalid";

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private readonly WebApplication _jwks;

    public TestEhrKeys()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _jwks = builder.Build();
        var parameters = _key.ExportParameters(false);
        var jwks = $$"""{"keys":[{"kty":"EC","crv":"P-384","use":"sig","alg":"ES384","kid":"{{KeyId}}","x":"{{Base64UrlEncoder.Encode(parameters.Q.X)}}","y":"{{Base64UrlEncoder.Encode(parameters.Q.Y)}}"}]}""";
        _jwks.MapGet("/jwks", () => Results.Text(jwks, "application/json"));
        _jwks.StartAsync().GetAwaiter().GetResult();
        var address = _jwks.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        JwksUrl = address.TrimEnd('/') + "/jwks";
    }

    public string KeyId { get; } = "test-ehr-1";

    public string JwksUrl { get; }

    /// <summary>A CDS Hooks JWT for <paramref name="audience"/>, as the spec wants it unless the arguments say otherwise.</summary>
    public string Token(string audience, string issuer = Issuer, TimeSpan? lifetime = null, DateTimeOffset? issuedAt = null, string? jti = null, SigningCredentials? credentials = null)
    {
        var iat = issuedAt ?? DateTimeOffset.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = iat.UtcDateTime,
            NotBefore = iat.UtcDateTime,
            Expires = (iat + (lifetime ?? TimeSpan.FromMinutes(5))).UtcDateTime,
            Subject = new ClaimsIdentity([new Claim("jti", jti ?? Guid.NewGuid().ToString())]),
            SigningCredentials = credentials ?? new SigningCredentials(new ECDsaSecurityKey(_key) { KeyId = KeyId }, SecurityAlgorithms.EcdsaSha384),
        });
    }

    /// <summary>Signing credentials with the same key id but another key: a forgery.</summary>
    public SigningCredentials ForgedCredentials() =>
        new(new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP384)) { KeyId = KeyId }, SecurityAlgorithms.EcdsaSha384);

    public async ValueTask DisposeAsync()
    {
        await _jwks.StopAsync();
        await _jwks.DisposeAsync();
        _key.Dispose();
    }
}
