using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace PatientVoice.Sandbox.Tests;

/// <summary>
/// RFC 6749 §6: a public client refreshes without client_id, as the SMART JavaScript client (npm fhirclient) does;
/// everything else still needs a client_id, and a confidential client's refresh token still needs its credentials.
/// </summary>
[Collection(SharedSandboxCollection.Name)]
public sealed class PublicClientRefreshTests(SandboxFactory factory)
{
    private const string PublicClient = "a-public-smart-app";
    private const string PublicRedirect = "http://127.0.0.1:8787/callback";

    [Fact]
    public async Task A_public_client_refreshes_with_only_grant_type_and_refresh_token()
    {
        var refreshToken = await PublicClientRefreshTokenAsync("grace-williams");

        using var refreshed = await PostAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken });

        var body = await refreshed.Content.ReadAsStringAsync();
        Assert.True(refreshed.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("access_token").GetString()));
        Assert.Equal("grace-williams", json.RootElement.GetProperty("patient").GetString());
    }

    [Fact]
    public async Task A_confidential_clients_refresh_token_without_client_authentication_is_refused()
    {
        var token = await new SmartClient(factory.CreateBrowserlessClient()).LoginAsync("openid fhirUser offline_access launch/patient patient/Patient.rs", "thomas-mueller");

        using var refreshed = await PostAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = token.GetProperty("refresh_token").GetString()! });

        Assert.NotEqual(HttpStatusCode.OK, refreshed.StatusCode);
        Assert.Equal("invalid_client", await TokenResponseTests.ErrorAsync(refreshed));
    }

    [Fact]
    public async Task A_code_exchange_introspection_or_revocation_without_client_id_is_still_refused()
    {
        using var code = await PostAsync(new() { ["grant_type"] = "authorization_code", ["code"] = "x", ["redirect_uri"] = PublicRedirect, ["code_verifier"] = new string('a', 43) });
        using var credentials = await PostAsync(new() { ["grant_type"] = "client_credentials", ["scope"] = "system/Goal.rs" });
        using var introspection = await factory.CreateBrowserlessClient().PostAsync("/connect/introspect", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "x" }));
        using var revocation = await factory.CreateBrowserlessClient().PostAsync("/connect/revoke", new FormUrlEncodedContent(new Dictionary<string, string> { ["token"] = "x" }));

        foreach (var refused in new[] { code, credentials, introspection, revocation })
        {
            Assert.NotEqual(HttpStatusCode.OK, refused.StatusCode);
            Assert.Contains(await TokenResponseTests.ErrorAsync(refused), new[] { "invalid_client", "invalid_request" });
        }
    }

    // A public client (registered on first use: Sandbox:AllowAnyClient) through the code flow with PKCE.
    private async Task<string> PublicClientRefreshTokenAsync(string user)
    {
        var pkce = new SmartClient(factory.CreateBrowserlessClient());
        var authorize = QueryHelpers.AddQueryString("/connect/authorize", new Dictionary<string, string?>
        {
            ["response_type"] = "code",
            ["client_id"] = PublicClient,
            ["redirect_uri"] = PublicRedirect,
            ["scope"] = "openid fhirUser offline_access launch/patient patient/Patient.rs",
            ["state"] = "s-" + Guid.NewGuid().ToString("N"),
            ["aud"] = SandboxFactory.FhirBase,
            ["code_challenge"] = pkce.Challenge,
            ["code_challenge_method"] = "S256",
            ["sandbox_user"] = user,
        });
        using var redirect = await factory.CreateBrowserlessClient().GetAsync(authorize);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        var code = QueryHelpers.ParseQuery(redirect.Headers.Location!.Query)["code"].ToString();
        using var token = await PostAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = PublicRedirect,
            ["code_verifier"] = pkce.Verifier,
            ["client_id"] = PublicClient,
        });
        var body = await token.Content.ReadAsStringAsync();
        Assert.True(token.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("refresh_token").GetString()!;
    }

    private async Task<HttpResponseMessage> PostAsync(Dictionary<string, string> form)
        => await factory.CreateBrowserlessClient().PostAsync("/connect/token", new FormUrlEncodedContent(form));
}
