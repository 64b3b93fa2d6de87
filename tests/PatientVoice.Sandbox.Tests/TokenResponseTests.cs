using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace PatientVoice.Sandbox.Tests;

/// <summary>The sandbox with access tokens that live two seconds, to see an expired token introspected.</summary>
public sealed class ShortLivedTokensFixture : IDisposable
{
    private readonly SandboxFactory _sandbox = new();

    public ShortLivedTokensFixture()
        => Factory = _sandbox.WithWebHostBuilder(b => b.UseSetting("Sandbox:AccessTokenLifetime", "00:00:02"));

    public WebApplicationFactory<Program> Factory { get; }

    public HttpClient CreateClient()
        => Factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, BaseAddress = new Uri(SandboxFactory.EhrUrl) });

    public void Dispose()
    {
        Factory.Dispose();
        _sandbox.Dispose();
    }
}

/// <summary>Token responses, refresh and introspection as the Inferno SMART App Launch tests probe them.</summary>
[Collection(SharedSandboxCollection.Name)]
public sealed class TokenResponseTests(SandboxFactory factory)
{
    private readonly SmartClient _client = new(factory.CreateBrowserlessClient());

    [Fact]
    public async Task Code_and_refresh_responses_carry_no_store_and_no_cache()
    {
        var (status, _, back) = await _client.AuthorizeAsync(_client.AuthorizeParameters("openid offline_access launch/patient patient/Goal.rs", "aisha-bello"));
        Assert.Equal(HttpStatusCode.Redirect, status);
        var code = await _client.TokenAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = back["code"],
            ["redirect_uri"] = SandboxFactory.RedirectUri,
            ["code_verifier"] = _client.Verifier,
        });
        AssertNotCached(code);
        using var token = JsonDocument.Parse(await code.Content.ReadAsStringAsync());

        var refresh = await _client.TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = token.RootElement.GetProperty("refresh_token").GetString()! });

        Assert.Equal(HttpStatusCode.OK, refresh.StatusCode);
        AssertNotCached(refresh);
    }

    [Fact]
    public async Task A_refresh_without_scope_keeps_the_scopes_and_context_and_rotates_the_refresh_token()
    {
        var launch = await _client.CreateLaunchAsync(new { patient = "linda-johnson", encounter = "enc-linda-johnson", user = "dr-nguyen" });
        var first = await _client.LoginAsync("launch openid fhirUser offline_access patient/Goal.rs patient/Patient.rs", "dr-nguyen", launch);
        var refreshToken = first.GetProperty("refresh_token").GetString()!;

        var refresh = await _client.TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken });
        var body = await refresh.Content.ReadAsStringAsync();
        Assert.True(refresh.IsSuccessStatusCode, body);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;

        Assert.Equal(first.GetProperty("scope").GetString()!.Split(' ').Order(), root.GetProperty("scope").GetString()!.Split(' ').Order());
        Assert.Equal("linda-johnson", root.GetProperty("patient").GetString());
        Assert.Equal("enc-linda-johnson", root.GetProperty("encounter").GetString());
        Assert.Equal("Bearer", root.GetProperty("token_type").GetString());
        Assert.True(root.GetProperty("expires_in").GetInt32() > 0);
        Assert.NotEqual(first.GetProperty("access_token").GetString(), root.GetProperty("access_token").GetString());
        var rotated = root.GetProperty("refresh_token").GetString();
        Assert.False(string.IsNullOrEmpty(rotated));
        Assert.NotEqual(refreshToken, rotated);
    }

    [Fact]
    public async Task A_refresh_token_is_refused_to_another_client()
    {
        var token = await _client.LoginAsync("openid offline_access launch/patient patient/*.rs", "thomas-mueller");
        // Another app (registered as a public client through AllowAnyClient) presents PatientVoice's refresh token.
        var other = _client.AuthorizeParameters("openid patient/*.rs", "thomas-mueller");
        other["client_id"] = "another-app";
        other["redirect_uri"] = "http://localhost:7000/callback";
        Assert.Equal(HttpStatusCode.Redirect, (await _client.AuthorizeAsync(other)).Status);

        var stolen = await factory.CreateBrowserlessClient().PostAsync("/connect/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = token.GetProperty("refresh_token").GetString()!,
            ["client_id"] = "another-app",
        }));

        Assert.Equal(HttpStatusCode.BadRequest, stolen.StatusCode);
        Assert.Equal("invalid_grant", await ErrorAsync(stolen));
    }

    [Fact]
    public async Task Introspection_of_an_active_token_names_its_scope_client_subject_expiry_and_patient()
    {
        var token = await _client.LoginAsync("openid fhirUser launch/patient patient/Goal.rs", "ahmed-hassan");

        var active = await Introspect(factory.CreateBrowserlessClient(), token.GetProperty("access_token").GetString()!);

        Assert.True(active.GetProperty("active").GetBoolean());
        Assert.Equal("patient/Goal.rs", string.Join(' ', active.GetProperty("scope").GetString()!.Split(' ').Where(s => s.Contains('.'))));
        Assert.Equal(SandboxFactory.ClientId, active.GetProperty("client_id").GetString());
        Assert.Equal("ahmed-hassan", active.GetProperty("sub").GetString());
        Assert.True(active.GetProperty("exp").GetInt64() > DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.Equal("ahmed-hassan", active.GetProperty("patient").GetString());
        Assert.Equal("Patient/ahmed-hassan", active.GetProperty("fhirUser").GetString());
    }

    [Fact]
    public async Task Introspection_of_a_token_this_server_never_issued_is_inactive()
    {
        var inactive = await Introspect(factory.CreateBrowserlessClient(), "eyJhbGciOiJub25lIn0.eyJzdWIiOiJtYXJpYSJ9.");
        Assert.False(inactive.GetProperty("active").GetBoolean());
        Assert.Single(inactive.EnumerateObject());
    }

    internal static async Task<JsonElement> Introspect(HttpClient http, string token)
    {
        var response = await http.PostAsync("/connect/introspect", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token,
            ["client_id"] = SandboxFactory.ClientId,
            ["client_secret"] = SandboxFactory.ClientSecret,
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    internal static async Task<string?> ErrorAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("error").GetString();
    }

    private static void AssertNotCached(HttpResponseMessage response)
    {
        Assert.True(response.Headers.CacheControl?.NoStore, "Cache-Control: no-store");
        Assert.Contains("no-cache", response.Headers.Pragma.Select(p => p.Name));
    }
}

public sealed class ExpiredTokenTests(ShortLivedTokensFixture fixture) : IClassFixture<ShortLivedTokensFixture>
{
    [Fact]
    public async Task Introspection_of_an_expired_token_is_inactive()
    {
        var http = fixture.CreateClient();
        var token = await new SmartClient(http).LoginAsync("openid launch/patient patient/Goal.rs", "rosa-hernandez");
        var accessToken = token.GetProperty("access_token").GetString()!;
        Assert.True((await TokenResponseTests.Introspect(http, accessToken)).GetProperty("active").GetBoolean());

        await Task.Delay(TimeSpan.FromSeconds(3));

        Assert.False((await TokenResponseTests.Introspect(http, accessToken)).GetProperty("active").GetBoolean());
        using var read = new HttpRequestMessage(HttpMethod.Get, "/fhir/Goal");
        read.Headers.Authorization = new("Bearer", accessToken);
        Assert.Equal(HttpStatusCode.Unauthorized, (await http.SendAsync(read)).StatusCode);
    }
}
