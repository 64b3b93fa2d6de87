using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using PatientVoice.Testing;
using PatientVoice.Web.Security;

namespace PatientVoice.Web.Tests.Security;

/// <summary>
/// End to end: the real sandbox authorization server (its own process) issues tokens — SMART Backend
/// Services (client_credentials, private_key_jwt ES384) and a patient's authorization code with PKCE — for
/// PatientVoice's API (aud = its FHIR base); PatientVoice fetches the sandbox's JWKS over HTTP and accepts
/// them, confining the patient's token to the patient; the sandbox's own-audience token is refused.
/// </summary>
public sealed class SandboxTokenEndToEndTests : IAsyncLifetime
{
    private const string AppUrl = "http://localhost";
    private const string AppFhirBase = AppUrl + "/fhir";
    private readonly ECDsa _backendKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
    private SandboxProcess _sandbox = null!;
    private WebApplicationFactory<Program> _patientVoice = null!;
    private PatientVoice.Testing.ScratchDirectory _data = null!;

    public async Task InitializeAsync()
    {
        var q = _backendKey.ExportParameters(false);
        var jwks = JsonSerializer.Serialize(new { keys = new[] { new { kty = "EC", crv = "P-384", kid = "e2e", use = "sig", alg = "ES384", x = Base64UrlEncoder.Encode(q.Q.X), y = Base64UrlEncoder.Encode(q.Q.Y) } } });
        _sandbox = await SandboxProcess.StartAsync(new SandboxSettings
        {
            AppUrl = AppUrl,
            ExtraArguments = ["--Sandbox:BackendClients:0:ClientId=patientvoice-backend", "--Sandbox:BackendClients:0:Jwks=" + jwks],
        });
        _data = new PatientVoice.Testing.ScratchDirectory();
        _patientVoice = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseSetting("Storage:Sqlite:Path", Path.Combine(_data.Path, "e2e.db"));
            // Exactly what appsettings.json says for the sandbox, at the port the test sandbox got.
            b.UseSetting("Security:Issuers:0:Issuer", Issuer);
            b.UseSetting("Security:Issuers:0:JwksUrl", Issuer + ".well-known/jwks");
            b.UseSetting("Security:Issuers:0:Audience", AppFhirBase);
        });
    }

    /// <summary>The sandbox's <c>iss</c>: its URL with a trailing slash.</summary>
    private string Issuer => _sandbox.EhrUrl.AbsoluteUri;

    public async Task DisposeAsync()
    {
        await _patientVoice.DisposeAsync();
        await _sandbox.DisposeAsync();
        _backendKey.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _data.Dispose();
    }

    [Fact]
    public async Task Tokens_from_the_real_sandbox_open_PatientVoice_as_their_scopes_say_and_no_further()
    {
        using var ehr = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false }) { BaseAddress = _sandbox.EhrUrl };

        // A backend integration: system/ scopes, every patient.
        var backend = await BackendTokenAsync(ehr, AppFhirBase);
        Assert.Equal([AppFhirBase], new JsonWebToken(backend).Audiences);
        using var system = Client(backend);
        foreach (var patient in new[] { "maria-garcia", "ana-torres" })
        {
            var created = await system.PostAsync("Goal", FhirJson.Content(FhirJson.Goal(patient, $"e2e goal of {patient}")));
            Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        Assert.Equal(2, (await FhirJson.ReadAsync<Bundle>(await system.GetAsync("Goal"))).Entry.Count);

        // Keys fetched from the sandbox's JWKS (a configuration manager, not inline keys): the token's repeat requests
        // were answered from the scheme's memory (ADR 0032), the key object still the one the manager holds.
        var handler = Assert.Single(_patientVoice.Services.GetRequiredService<IOptionsMonitor<JwtBearerOptions>>()
            .Get(FhirApiSecurity.IssuerScheme(0)).TokenHandlers.OfType<RememberingTokenHandler>());
        Assert.True(handler.Hits >= 2, $"the backend token's 2nd and 3rd requests came from memory ({handler.Hits} hits)");

        // A patient's app: authorization code + PKCE as maria-garcia, patient/Goal.rs, aud = PatientVoice.
        var patientToken = await PatientTokenAsync(ehr, "maria-garcia", "launch/patient openid fhirUser patient/Goal.rs");
        using var maria = Client(patientToken);
        var everything = await FhirJson.ReadAsync<Bundle>(await maria.GetAsync("Goal?_count=100"));
        var subject = Assert.Single(everything.Entry.Select(e => ((Goal)e.Resource).Subject.Reference));
        Assert.Equal("Patient/maria-garcia", subject);
        var others = await FhirJson.ReadAsync<Bundle>(await maria.GetAsync("Goal?patient=Patient/ana-torres"));
        Assert.Empty(others.Entry);
        Assert.Equal(HttpStatusCode.Forbidden, (await maria.PostAsync("Goal", FhirJson.Content(FhirJson.Goal("maria-garcia", "not allowed")))).StatusCode);

        // A token the sandbox made for its own EHR is not for PatientVoice, and PatientVoice's is not for the EHR.
        var ehrToken = await BackendTokenAsync(ehr, aud: null);
        using var wrongAudience = Client(ehrToken);
        var refused = await wrongAudience.GetAsync("Goal");
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("invalid_token", refused.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        using var atEhr = new HttpRequestMessage(HttpMethod.Get, "fhir/Goal");
        atEhr.Headers.Authorization = new AuthenticationHeaderValue("Bearer", backend);
        Assert.Equal(HttpStatusCode.Unauthorized, (await ehr.SendAsync(atEhr)).StatusCode);
    }

    private HttpClient Client(string token)
    {
        var client = _patientVoice.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri(AppFhirBase + "/"), AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        // The first write waits for this fresh host's validator to warm (seconds; minutes on a busy machine).
        client.Timeout = TimeSpan.FromMinutes(5);
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        return client;
    }

    private async Task<string> BackendTokenAsync(HttpClient ehr, string? aud)
    {
        var tokenEndpoint = Issuer + "connect/token";
        var now = DateTime.UtcNow;
        var assertion = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "patientvoice-backend",
            Audience = tokenEndpoint,
            Claims = new Dictionary<string, object> { ["sub"] = "patientvoice-backend", ["jti"] = Guid.NewGuid().ToString("N") },
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(4),
            SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_backendKey) { KeyId = "e2e" }, SecurityAlgorithms.EcdsaSha384),
        });
        var form = new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials",
            ["scope"] = "system/Goal.cruds",
            ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ["client_assertion"] = assertion,
        };
        if (aud is not null)
        {
            form["aud"] = aud;
        }

        return await AccessTokenAsync(await ehr.PostAsync("connect/token", new FormUrlEncodedContent(form)));
    }

    private static async Task<string> PatientTokenAsync(HttpClient ehr, string user, string scope)
    {
        var verifier = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
        const string redirect = "http://localhost/e2e-callback";
        var authorize = QueryHelpers.AddQueryString("connect/authorize", new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = "e2e-patient-app",
            ["redirect_uri"] = redirect,
            ["scope"] = scope,
            ["state"] = Guid.NewGuid().ToString("N"),
            ["aud"] = AppFhirBase,
            ["code_challenge"] = Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))),
            ["code_challenge_method"] = "S256",
            ["sandbox_user"] = user,
        });
        var response = await ehr.GetAsync(authorize);
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, await response.Content.ReadAsStringAsync());
        var code = QueryHelpers.ParseQuery(response.Headers.Location!.Query)["code"].ToString();
        Assert.False(string.IsNullOrEmpty(code), response.Headers.Location.ToString());
        return await AccessTokenAsync(await ehr.PostAsync("connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = redirect,
            ["client_id"] = "e2e-patient-app",
            ["code_verifier"] = verifier,
        })));
    }

    private static async Task<string> AccessTokenAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("access_token").GetString()!;
    }
}
