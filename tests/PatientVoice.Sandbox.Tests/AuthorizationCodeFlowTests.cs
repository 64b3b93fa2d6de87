using System.Net;
using System.Text;
using System.Text.Json;

namespace PatientVoice.Sandbox.Tests;

public sealed class AuthorizationCodeFlowTests(SandboxFactory factory) : IClassFixture<SandboxFactory>
{
    private readonly SmartClient _client = new(factory.CreateBrowserlessClient());

    [Fact]
    public async Task An_ehr_launch_yields_a_token_whose_context_is_the_launch_context()
    {
        var launch = await _client.CreateLaunchAsync(new
        {
            patient = "maria-garcia",
            encounter = "enc-maria-garcia",
            fhirContext = new[] { new { reference = "Appointment/appt-maria-garcia" } },
        });

        var token = await _client.LoginAsync("launch openid fhirUser offline_access patient/*.rs", "dr-patel", launch);

        Assert.Equal("Bearer", token.GetProperty("token_type").GetString());
        Assert.Equal("maria-garcia", token.GetProperty("patient").GetString());
        Assert.Equal("enc-maria-garcia", token.GetProperty("encounter").GetString());
        Assert.Equal("Appointment/appt-maria-garcia", token.GetProperty("fhirContext")[0].GetProperty("reference").GetString());
        Assert.Equal(JsonValueKind.False, token.GetProperty("need_patient_banner").ValueKind);
        Assert.StartsWith("http", token.GetProperty("smart_style_url").GetString());
        Assert.Contains("patient/*.rs", token.GetProperty("scope").GetString()!.Split(' '));
        Assert.True(token.GetProperty("expires_in").GetInt32() > 0);
        Assert.False(string.IsNullOrEmpty(token.GetProperty("refresh_token").GetString()));
        var idToken = Claims(token.GetProperty("id_token").GetString()!);
        Assert.Equal("Practitioner/dr-patel", idToken.GetProperty("fhirUser").GetString());
    }

    [Fact]
    public async Task The_token_response_is_not_cached_and_the_state_comes_back()
    {
        var parameters = _client.AuthorizeParameters("openid fhirUser launch/patient patient/Goal.cruds", "maria-garcia");
        var (status, location, back) = await _client.AuthorizeAsync(parameters);
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.StartsWith(SandboxFactory.RedirectUri, location!.AbsoluteUri);
        Assert.Equal(parameters["state"], back["state"]);

        var response = await _client.TokenAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = back["code"],
            ["redirect_uri"] = SandboxFactory.RedirectUri,
            ["code_verifier"] = _client.Verifier,
        });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("maria-garcia", json.RootElement.GetProperty("patient").GetString());
        Assert.False(json.RootElement.TryGetProperty("refresh_token", out _));
    }

    [Fact]
    public async Task A_code_is_refused_without_the_right_verifier()
    {
        var (_, _, back) = await _client.AuthorizeAsync(_client.AuthorizeParameters("openid patient/*.rs", "james-okafor"));
        var response = await _client.TokenAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = back["code"],
            ["redirect_uri"] = SandboxFactory.RedirectUri,
            ["code_verifier"] = SmartClient.Base64Url(new byte[32]),
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_grant", await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("no PKCE")]
    [InlineData("plain PKCE")]
    [InlineData("wrong aud")]
    [InlineData("expired or unknown launch")]
    public async Task An_authorize_request_with_a_fault_is_refused(string fault)
    {
        var parameters = _client.AuthorizeParameters("launch openid patient/*.rs", "dr-patel", "not-a-launch");
        switch (fault)
        {
            case "no PKCE":
                parameters["code_challenge"] = null;
                parameters["code_challenge_method"] = null;
                break;
            case "plain PKCE":
                parameters["code_challenge"] = _client.Verifier;
                parameters["code_challenge_method"] = "plain";
                break;
            case "wrong aud":
                parameters["aud"] = "http://elsewhere.example/fhir";
                break;
        }

        if (fault != "expired or unknown launch")
        {
            parameters["launch"] = await _client.CreateLaunchAsync(new { patient = "robert-chen" });
        }

        var (status, location, back) = await _client.AuthorizeAsync(parameters);
        Assert.False(back.ContainsKey("code"));
        if (status == HttpStatusCode.Redirect)
        {
            Assert.StartsWith(SandboxFactory.RedirectUri, location!.AbsoluteUri);
            Assert.Equal("invalid_request", back["error"]);
            Assert.Equal(parameters["state"], back["state"]);
        }
        else
        {
            // OpenIddict refuses a missing code_challenge (a client requirement) on the page, without redirecting.
            Assert.Equal(HttpStatusCode.BadRequest, status);
        }
    }

    [Fact]
    public async Task An_unregistered_redirect_uri_is_refused_without_redirecting()
    {
        var parameters = _client.AuthorizeParameters("openid patient/*.rs", "maria-garcia");
        parameters["redirect_uri"] = "http://localhost:5000/somewhere-else";
        var (status, location, _) = await _client.AuthorizeAsync(parameters);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Null(location);
    }

    [Fact]
    public async Task A_refresh_may_narrow_the_scopes_but_not_widen_them()
    {
        var token = await _client.LoginAsync("openid offline_access patient/Goal.rs patient/Patient.rs", "ana-torres");
        var refreshToken = token.GetProperty("refresh_token").GetString()!;

        var wider = await _client.TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken, ["scope"] = "patient/Goal.cruds" });
        Assert.Equal(HttpStatusCode.BadRequest, wider.StatusCode);
        var widerBody = await wider.Content.ReadAsStringAsync();
        // OpenIddict answers invalid_grant (ID2052, "The specified 'scope' is invalid.") where RFC 6749 §6 names invalid_scope.
        Assert.True(widerBody.Contains("'scope' is invalid", StringComparison.Ordinal), widerBody);

        var narrower = await _client.TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken, ["scope"] = "patient/Goal.rs" });
        var body = await narrower.Content.ReadAsStringAsync();
        Assert.True(narrower.IsSuccessStatusCode, body);
        using var json = JsonDocument.Parse(body);
        Assert.Equal("patient/Goal.rs", json.RootElement.GetProperty("scope").GetString());
        Assert.Equal("ana-torres", json.RootElement.GetProperty("patient").GetString());
    }

    [Fact]
    public async Task Introspection_reports_a_live_token_active_and_a_revoked_one_inactive()
    {
        var token = await _client.LoginAsync("openid offline_access patient/*.rs", "carlos-mendoza");
        var accessToken = token.GetProperty("access_token").GetString()!;

        var active = await Introspect(accessToken);
        Assert.True(active.GetProperty("active").GetBoolean());
        Assert.Equal("carlos-mendoza", active.GetProperty("sub").GetString());

        var revoke = await Post("/connect/revoke", new() { ["token"] = accessToken });
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.False((await Introspect(accessToken)).GetProperty("active").GetBoolean());
    }

    private async Task<JsonElement> Introspect(string token)
    {
        var response = await Post("/connect/introspect", new() { ["token"] = token });
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private async Task<HttpResponseMessage> Post(string path, Dictionary<string, string> form)
    {
        form["client_id"] = SandboxFactory.ClientId;
        form["client_secret"] = SandboxFactory.ClientSecret;
        return await factory.CreateBrowserlessClient().PostAsync(path, new FormUrlEncodedContent(form));
    }

    private static JsonElement Claims(string jwt)
    {
        var payload = jwt.Split('.')[1].Replace('-', '+').Replace('_', '/');
        payload = payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=');
        return JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(payload))).RootElement.Clone();
    }
}
