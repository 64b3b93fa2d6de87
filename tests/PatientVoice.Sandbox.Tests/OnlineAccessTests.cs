using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;

namespace PatientVoice.Sandbox.Tests;

/// <summary><c>online_access</c>: a refresh token that works while the user's EHR session lives, and stops when it ends.</summary>
[Collection(SharedSandboxCollection.Name)]
public sealed class OnlineAccessTests(SandboxFactory factory)
{
    private readonly SmartClient _client = new(factory.CreateBrowserlessClient());

    [Fact]
    public async Task An_online_access_refresh_token_works_until_the_user_is_signed_out_of_the_ehr()
    {
        var launch = await _client.CreateLaunchAsync(new { patient = "carlos-mendoza", user = "dr-nguyen" });
        var token = await _client.LoginAsync("launch openid online_access patient/*.rs", "dr-nguyen", launch);
        var refreshToken = token.GetProperty("refresh_token").GetString()!;

        var refreshed = await Refresh(refreshToken);
        Assert.Equal(HttpStatusCode.OK, refreshed.StatusCode);
        using var json = JsonDocument.Parse(await refreshed.Content.ReadAsStringAsync());
        Assert.Equal("carlos-mendoza", json.RootElement.GetProperty("patient").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await factory.CreateBrowserlessClient().DeleteAsync("/sandbox/sessions/dr-nguyen")).StatusCode);

        var afterSignOut = await Refresh(json.RootElement.GetProperty("refresh_token").GetString()!);
        Assert.Equal(HttpStatusCode.BadRequest, afterSignOut.StatusCode);
        Assert.Equal("invalid_grant", await TokenResponseTests.ErrorAsync(afterSignOut));
    }

    [Fact]
    public async Task An_offline_access_refresh_token_outlives_the_session()
    {
        var token = await _client.LoginAsync("openid offline_access launch/patient patient/*.rs", "miguel-hernandez");

        Assert.Equal(HttpStatusCode.NoContent, (await factory.CreateBrowserlessClient().DeleteAsync("/sandbox/sessions/miguel-hernandez")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await Refresh(token.GetProperty("refresh_token").GetString()!)).StatusCode);
    }

    [Fact]
    public async Task Signing_out_on_the_logout_page_ends_online_access_granted_through_the_login_page()
    {
        var browser = new BrowserSession(factory);
        await browser.SignInAsync("lucia-garcia");
        var client = new SmartClient(browser.Http);
        var parameters = client.AuthorizeParameters("openid online_access launch/patient patient/*.rs", user: "unused");
        parameters.Remove("sandbox_user");
        var (_, consent, _) = await client.AuthorizeAsync(parameters);
        var form = BrowserSession.HiddenFields(await browser.Http.GetStringAsync(consent!.OriginalString));
        form["consent"] = "approve";
        var approved = await browser.Http.PostAsync("/connect/authorize", new FormUrlEncodedContent(form));
        var code = QueryHelpers.ParseQuery(approved.Headers.Location!.Query)["code"].ToString();
        var token = await client.TokenAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = SandboxFactory.RedirectUri,
            ["code_verifier"] = client.Verifier,
        });
        using var json = JsonDocument.Parse(await token.Content.ReadAsStringAsync());
        var refreshToken = json.RootElement.GetProperty("refresh_token").GetString()!;
        Assert.Equal("maria-garcia", json.RootElement.GetProperty("patient").GetString());

        var logoutPage = await browser.Http.GetStringAsync("/logout");
        var logout = await browser.Http.PostAsync("/logout", new FormUrlEncodedContent(BrowserSession.HiddenFields(logoutPage)));
        Assert.Equal(HttpStatusCode.OK, logout.StatusCode);

        var refresh = await Refresh(refreshToken);
        Assert.Equal(HttpStatusCode.BadRequest, refresh.StatusCode);
        Assert.Equal("invalid_grant", await TokenResponseTests.ErrorAsync(refresh));
        // Signed out, the next authorize request goes back to the login page.
        var next = client.AuthorizeParameters("openid launch/patient patient/*.rs", user: "unused");
        next.Remove("sandbox_user");
        var (status, again, _) = await client.AuthorizeAsync(next);
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.Contains("/login", again!.OriginalString, StringComparison.Ordinal);
    }

    private Task<HttpResponseMessage> Refresh(string refreshToken)
        => _client.TokenAsync(new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken });
}
