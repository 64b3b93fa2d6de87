using System.Net;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using PatientVoice.Smart.ClientAuthentication;
using PatientVoice.Smart.Launch;
using PatientVoice.Testing;

namespace PatientVoice.Smart.Tests;

/// <summary>
/// One sandbox EHR process for the library tests, its client <c>patientvoice</c> registered with a secret and with
/// a JWKS holding one RS384 and one ES384 key (so <c>private_key_jwt</c> works end to end), and the library's
/// services as an application would resolve them.
/// </summary>
public sealed class SandboxFixture : IAsyncLifetime
{
    public const string ClientId = "patientvoice";
    public const string ClientSecret = "library-test-secret";
    public static readonly Uri RedirectUri = new("http://127.0.0.1:9/signin-smart");

    private SandboxProcess? _sandbox;

    public RSA RsaKey { get; } = RSA.Create(2048);

    public ECDsa EcKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    internal SandboxProcess Sandbox => _sandbox ?? throw new InvalidOperationException("Not started.");

    public Uri FhirBase => new(Sandbox.FhirBase);

    public ServiceProvider Services { get; } = new ServiceCollection().AddLogging().AddSmartLaunchClient().BuildServiceProvider();

    public SmartDiscovery Discovery => Services.GetRequiredService<SmartDiscovery>();

    public SmartTokenClient Tokens => Services.GetRequiredService<SmartTokenClient>();

    public SigningCredentials RsaCredentials => new(new RsaSecurityKey(RsaKey) { KeyId = "rsa-1" }, SecurityAlgorithms.RsaSha384);

    public SigningCredentials EcCredentials => new(new ECDsaSecurityKey(EcKey) { KeyId = "ec-1" }, SecurityAlgorithms.EcdsaSha384);

    public async Task InitializeAsync()
    {
        var rsa = RsaKey.ExportParameters(false);
        var ec = EcKey.ExportParameters(false);
        var jwks = $$"""
            {"keys":[
              {"kty":"RSA","kid":"rsa-1","use":"sig","alg":"RS384","n":"{{Base64UrlEncoder.Encode(rsa.Modulus)}}","e":"{{Base64UrlEncoder.Encode(rsa.Exponent)}}"},
              {"kty":"EC","kid":"ec-1","use":"sig","alg":"ES384","crv":"P-384","x":"{{Base64UrlEncoder.Encode(ec.Q.X)}}","y":"{{Base64UrlEncoder.Encode(ec.Q.Y)}}"}
            ]}
            """;
        _sandbox = await SandboxProcess.StartAsync(new SandboxSettings
        {
            RedirectUris = [RedirectUri.AbsoluteUri],
            ClientSecret = ClientSecret,
            ClientJwks = jwks.ReplaceLineEndings(""),
        });
    }

    public async Task DisposeAsync()
    {
        if (_sandbox is not null)
        {
            await _sandbox.DisposeAsync();
        }

        await Services.DisposeAsync();
        RsaKey.Dispose();
        EcKey.Dispose();
    }

    /// <summary>
    /// The browser's part, done by hand: the authorize request built by the library, signed in as
    /// <paramref name="user"/> through the sandbox's test login; returns the code the EHR sends back.
    /// </summary>
    public async Task<(string Code, Pkce Pkce)> AuthorizeAsync(SmartConfiguration configuration, string scope, string user, string? launch = null, string clientId = ClientId, Uri? redirectUri = null)
    {
        var pkce = Pkce.Create();
        var state = LaunchState.Create();
        var request = new AuthorizationRequest
        {
            Configuration = configuration,
            ClientId = clientId,
            RedirectUri = redirectUri ?? RedirectUri,
            Scope = scope,
            State = state,
            CodeChallenge = pkce.Challenge,
            Launch = launch,
            Extra = new Dictionary<string, string> { ["sandbox_user"] = user },
        };
        using var response = await Sandbox.Http.GetAsync(request.ToUri());
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var back = System.Web.HttpUtility.ParseQueryString(response.Headers.Location!.Query);
        Assert.True(back["code"] is not null, "the EHR sent no code: " + response.Headers.Location);
        Assert.Equal(state, back["state"]);
        return (back["code"]!, pkce);
    }

    public async Task<SmartTokenResponse> LaunchAsync(SmartClientCredentials client, string scope, string user, string? launch = null)
    {
        var configuration = await Discovery.GetAsync(FhirBase, CancellationToken.None);
        var (code, pkce) = await AuthorizeAsync(configuration, scope, user, launch, client.ClientId);
        return await Tokens.ExchangeCodeAsync(configuration, client, code, RedirectUri, pkce.Verifier, CancellationToken.None);
    }
}

[CollectionDefinition(Name)]
public sealed class SandboxCollection : ICollectionFixture<SandboxFixture>
{
    public const string Name = "sandbox EHR";
}
