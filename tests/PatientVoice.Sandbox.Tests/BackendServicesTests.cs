using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace PatientVoice.Sandbox.Tests;

/// <summary>
/// The sandbox with the Development backend client <c>patientvoice-backend</c> given the public JWKS of an RSA
/// and a P-384 key made here.
/// </summary>
public sealed class BackendServicesFixture : IDisposable
{
    public const string ClientId = "patientvoice-backend";
    public const string UrlClientId = "keys-by-url";
    public const string TokenEndpoint = SandboxFactory.EhrUrl + "/connect/token";

    private readonly SandboxFactory _sandbox = new();
    private readonly TestHttpServer _jwksServer;

    public BackendServicesFixture()
    {
        // The keys-by-url client publishes its JWKS itself, over real HTTP; the test can rotate it.
        _jwksServer = TestHttpServer.StartAsync(app => app.MapGet("/jwks", () => Microsoft.AspNetCore.Http.Results.Text(PublishedJwks, "application/json")))
            .GetAwaiter().GetResult();
        PublishedJwks = PublicJwks(UrlKey, "url-1");
        var rsa = RsaKey.ExportParameters(includePrivateParameters: false);
        var ec = EcKey.ExportParameters(includePrivateParameters: false);
        var jwks = JsonSerializer.Serialize(new
        {
            keys = new object[]
            {
                new { kty = "RSA", use = "sig", alg = "RS384", kid = "rsa", n = Base64UrlEncoder.Encode(rsa.Modulus), e = Base64UrlEncoder.Encode(rsa.Exponent) },
                new { kty = "EC", use = "sig", alg = "ES384", kid = "ec", crv = "P-384", x = Base64UrlEncoder.Encode(ec.Q.X), y = Base64UrlEncoder.Encode(ec.Q.Y) },
            },
        });
        Factory = _sandbox.WithWebHostBuilder(b => b
            .UseSetting("Sandbox:BackendClients:0:Jwks", jwks)
            .UseSetting("Sandbox:BackendClients:1:ClientId", UrlClientId)
            .UseSetting("Sandbox:BackendClients:1:JwksUrl", _jwksServer.BaseUrl + "/jwks"));
    }

    /// <summary>The key of the keys-by-url client, published at its JWKS URL.</summary>
    public ECDsa UrlKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    /// <summary>What the keys-by-url client's JWKS URL answers now.</summary>
    public string PublishedJwks { get; set; }

    public static string PublicJwks(ECDsa key, string kid)
    {
        var q = key.ExportParameters(includePrivateParameters: false).Q;
        return JsonSerializer.Serialize(new { keys = new[] { new { kty = "EC", use = "sig", alg = "ES384", kid, crv = "P-384", x = Base64UrlEncoder.Encode(q.X), y = Base64UrlEncoder.Encode(q.Y) } } });
    }

    public RSA RsaKey { get; } = RSA.Create(2048);

    public ECDsa EcKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP384);

    public WebApplicationFactory<Program> Factory { get; }

    public HttpClient CreateClient()
        => Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri(SandboxFactory.EhrUrl) });

    public void Dispose()
    {
        Factory.Dispose();
        _sandbox.Dispose();
        _jwksServer.Dispose();
        UrlKey.Dispose();
        RsaKey.Dispose();
        EcKey.Dispose();
    }
}

public sealed class BackendServicesTests(BackendServicesFixture fixture) : IClassFixture<BackendServicesFixture>
{
    private const string Scope = "system/Goal.cruds";

    [Fact]
    public async Task An_RS384_assertion_gets_a_system_token_that_searches_goals()
    {
        using var http = fixture.CreateClient();
        var assertion = Assertion(new RsaSecurityKey(fixture.RsaKey) { KeyId = "rsa" }, SecurityAlgorithms.RsaSha384);

        var token = await AccessTokenAsync(http, assertion);

        using var search = new HttpRequestMessage(HttpMethod.Get, "/fhir/Goal");
        search.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await http.SendAsync(search);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var bundle = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("Bundle", bundle.RootElement.GetProperty("resourceType").GetString());
    }

    [Fact]
    public async Task An_ES384_assertion_gets_a_system_token_that_searches_goals()
    {
        using var http = fixture.CreateClient();
        var assertion = Assertion(new ECDsaSecurityKey(fixture.EcKey) { KeyId = "ec" }, SecurityAlgorithms.EcdsaSha384);

        var token = await AccessTokenAsync(http, assertion);

        using var search = new HttpRequestMessage(HttpMethod.Get, "/fhir/Goal");
        search.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        Assert.Equal(HttpStatusCode.OK, (await http.SendAsync(search)).StatusCode);
    }

    [Fact]
    public async Task A_replayed_assertion_is_refused()
    {
        using var http = fixture.CreateClient();
        var assertion = Assertion(new RsaSecurityKey(fixture.RsaKey) { KeyId = "rsa" }, SecurityAlgorithms.RsaSha384);
        await AccessTokenAsync(http, assertion);

        var again = await TokenAsync(http, assertion);

        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
        Assert.Equal("invalid_client", await ErrorAsync(again));
    }

    [Fact]
    public async Task An_assertion_signed_with_another_key_is_refused()
    {
        using var http = fixture.CreateClient();
        using var other = RSA.Create(2048);
        var assertion = Assertion(new RsaSecurityKey(other) { KeyId = "rsa" }, SecurityAlgorithms.RsaSha384);

        var response = await TokenAsync(http, assertion);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("invalid_client", await ErrorAsync(response));
    }

    [Fact]
    public async Task An_assertion_for_another_audience_is_refused()
    {
        using var http = fixture.CreateClient();
        var assertion = Assertion(new RsaSecurityKey(fixture.RsaKey) { KeyId = "rsa" }, SecurityAlgorithms.RsaSha384, audience: SandboxFactory.FhirBase);

        var response = await TokenAsync(http, assertion);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        // OpenIddict refuses it while validating the assertion (invalid_token); the client is not authenticated.
        Assert.Contains(await ErrorAsync(response), new[] { "invalid_client", "invalid_token" });
    }

    [Fact]
    public async Task An_assertion_signed_with_an_algorithm_smart_does_not_name_is_refused()
    {
        using var http = fixture.CreateClient();
        var assertion = Assertion(new RsaSecurityKey(fixture.RsaKey) { KeyId = "rsa" }, SecurityAlgorithms.RsaSha256);

        var response = await TokenAsync(http, assertion);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(await ErrorAsync(response), new[] { "invalid_client", "invalid_token" });
    }

    [Fact]
    public async Task An_assertion_expiring_beyond_five_minutes_is_refused()
    {
        using var http = fixture.CreateClient();
        var assertion = Assertion(new RsaSecurityKey(fixture.RsaKey) { KeyId = "rsa" }, SecurityAlgorithms.RsaSha384, lifetime: TimeSpan.FromMinutes(30));

        var response = await TokenAsync(http, assertion);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("invalid_client", await ErrorAsync(response));
    }

    [Fact]
    public async Task An_expired_assertion_is_refused()
    {
        using var http = fixture.CreateClient();
        var assertion = Assertion(new RsaSecurityKey(fixture.RsaKey) { KeyId = "rsa" }, SecurityAlgorithms.RsaSha384, issuedAgo: TimeSpan.FromMinutes(10), lifetime: TimeSpan.FromMinutes(5));

        var response = await TokenAsync(http, assertion);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(await ErrorAsync(response), new[] { "invalid_client", "invalid_token" });
    }

    [Theory]
    [InlineData("password")]
    [InlineData("urn:ietf:params:oauth:grant-type:jwt-bearer")]
    [InlineData("")]
    public async Task A_grant_type_other_than_client_credentials_is_refused(string grantType)
    {
        using var http = fixture.CreateClient();
        var form = Form(Assertion(new RsaSecurityKey(fixture.RsaKey) { KeyId = "rsa" }, SecurityAlgorithms.RsaSha384));
        form["grant_type"] = grantType;

        var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(await ErrorAsync(response), new[] { "unsupported_grant_type", "invalid_request" });
    }

    [Theory]
    [InlineData("urn:ietf:params:oauth:client-assertion-type:saml2-bearer")]
    [InlineData("")]
    public async Task An_assertion_of_another_type_is_refused(string assertionType)
    {
        using var http = fixture.CreateClient();
        var form = Form(Assertion(new RsaSecurityKey(fixture.RsaKey) { KeyId = "rsa" }, SecurityAlgorithms.RsaSha384));
        form["client_assertion_type"] = assertionType;

        var response = await http.PostAsync("/connect/token", new FormUrlEncodedContent(form));

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(await ErrorAsync(response), new[] { "invalid_request", "invalid_client" });
    }

    [Fact]
    public async Task A_client_registered_by_jwks_url_authenticates_with_the_key_published_there_and_a_rotated_key_is_fetched_again()
    {
        using var http = fixture.CreateClient();
        var first = Assertion(new ECDsaSecurityKey(fixture.UrlKey) { KeyId = "url-1" }, SecurityAlgorithms.EcdsaSha384, clientId: BackendServicesFixture.UrlClientId);
        await AccessTokenAsync(http, first);

        using var rotated = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var before = fixture.PublishedJwks;
        fixture.PublishedJwks = BackendServicesFixture.PublicJwks(rotated, "url-2");
        try
        {
            // The sandbox knows url-1 from its cache; an assertion with the unknown kid url-2 makes it fetch again.
            var second = Assertion(new ECDsaSecurityKey(rotated) { KeyId = "url-2" }, SecurityAlgorithms.EcdsaSha384, clientId: BackendServicesFixture.UrlClientId);
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            await AccessTokenAsync(http, second);
        }
        finally
        {
            fixture.PublishedJwks = before;
        }
    }

    [Fact]
    public async Task A_client_registered_by_jwks_url_is_refused_a_key_it_does_not_publish()
    {
        using var http = fixture.CreateClient();
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var assertion = Assertion(new ECDsaSecurityKey(other) { KeyId = "url-1" }, SecurityAlgorithms.EcdsaSha384, clientId: BackendServicesFixture.UrlClientId);

        var response = await TokenAsync(http, assertion);

        Assert.NotEqual(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("invalid_client", await ErrorAsync(response));
    }

    private static string Assertion(SecurityKey key, string algorithm, string audience = BackendServicesFixture.TokenEndpoint, TimeSpan? lifetime = null,
        TimeSpan? issuedAgo = null, string clientId = BackendServicesFixture.ClientId)
    {
        var now = DateTime.UtcNow - (issuedAgo ?? TimeSpan.Zero);
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = clientId,
            Audience = audience,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = clientId,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            },
            IssuedAt = now,
            NotBefore = now,
            Expires = now + (lifetime ?? TimeSpan.FromMinutes(4)),
            SigningCredentials = new SigningCredentials(key, algorithm),
        });
    }

    private static async Task<HttpResponseMessage> TokenAsync(HttpClient http, string assertion)
        => await http.PostAsync("/connect/token", new FormUrlEncodedContent(Form(assertion)));

    private static Dictionary<string, string> Form(string assertion) => new()
    {
        ["grant_type"] = "client_credentials",
        ["scope"] = Scope,
        ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ["client_assertion"] = assertion,
    };

    private static async Task<string> AccessTokenAsync(HttpClient http, string assertion)
    {
        var response = await TokenAsync(http, assertion);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(Scope, json.RootElement.GetProperty("scope").GetString());
        Assert.Equal("Bearer", json.RootElement.GetProperty("token_type").GetString());
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    private static async Task<string?> ErrorAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("error").GetString();
    }
}
