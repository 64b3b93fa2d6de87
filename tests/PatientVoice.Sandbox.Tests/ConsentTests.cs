using System.Net;
using Microsoft.AspNetCore.WebUtilities;

namespace PatientVoice.Sandbox.Tests;

/// <summary>The login and consent pages, used as a person uses them: sign in, read the consent form, answer it.</summary>
[Collection(SharedSandboxCollection.Name)]
public sealed class ConsentTests(SandboxFactory factory)
{
    [Fact]
    public async Task Deny_on_the_consent_page_sends_the_app_access_denied_with_its_state()
    {
        var (browser, _, parameters, consentForm) = await ConsentFormAsync("maria-garcia");

        consentForm["consent"] = "deny";
        var answer = await browser.Http.PostAsync("/connect/authorize", new FormUrlEncodedContent(consentForm));

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        Assert.StartsWith(SandboxFactory.RedirectUri, answer.Headers.Location!.AbsoluteUri);
        var back = QueryHelpers.ParseQuery(answer.Headers.Location.Query);
        Assert.Equal("access_denied", back["error"].ToString());
        Assert.Equal(parameters["state"], back["state"].ToString());
        Assert.False(back.ContainsKey("code"));
    }

    [Fact]
    public async Task Allow_on_the_consent_page_sends_the_app_a_code_that_redeems()
    {
        var (browser, client, parameters, consentForm) = await ConsentFormAsync("james-okafor");

        consentForm["consent"] = "approve";
        var answer = await browser.Http.PostAsync("/connect/authorize", new FormUrlEncodedContent(consentForm));

        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        var back = QueryHelpers.ParseQuery(answer.Headers.Location!.Query);
        Assert.Equal(parameters["state"], back["state"].ToString());
        var token = await client.TokenAsync(new()
        {
            ["grant_type"] = "authorization_code",
            ["code"] = back["code"].ToString(),
            ["redirect_uri"] = SandboxFactory.RedirectUri,
            ["code_verifier"] = client.Verifier,
        });
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        using var json = System.Text.Json.JsonDocument.Parse(await token.Content.ReadAsStringAsync());
        Assert.Equal("james-okafor", json.RootElement.GetProperty("patient").GetString());
    }

    [Fact]
    public async Task An_approval_without_the_consent_pages_anti_forgery_token_is_refused_without_redirecting()
    {
        var (browser, _, _, consentForm) = await ConsentFormAsync("ana-torres");

        consentForm.Remove("__RequestVerificationToken");
        consentForm["consent"] = "approve";
        var forged = await browser.Http.PostAsync("/connect/authorize", new FormUrlEncodedContent(consentForm));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Null(forged.Headers.Location);
    }

    [Fact]
    public async Task A_consent_given_in_a_query_string_is_not_consent()
    {
        var browser = new BrowserSession(factory);
        await browser.SignInAsync("grace-williams");
        var client = new SmartClient(browser.Http);
        var parameters = client.AuthorizeParameters("openid launch/patient patient/Goal.rs", user: "unused");
        parameters.Remove("sandbox_user");
        parameters["consent"] = "approve";

        var (status, location, back) = await client.AuthorizeAsync(parameters);

        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.StartsWith("/consent", location!.OriginalString, StringComparison.Ordinal);
        Assert.False(back.ContainsKey("code"));
    }

    [Fact]
    public async Task The_login_form_refuses_a_post_without_its_anti_forgery_token()
    {
        var response = await new BrowserSession(factory).Http.PostAsync("/login", new FormUrlEncodedContent(new Dictionary<string, string> { ["Login"] = "dr-patel" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.False(response.Headers.Contains("Set-Cookie") && response.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith("sandbox-login=", StringComparison.Ordinal)));
    }

    /// <summary>Signs in on the login page, sends an authorize request without the test shortcut, and reads the consent form it leads to.</summary>
    private async Task<(BrowserSession Browser, SmartClient Client, Dictionary<string, string?> Parameters, Dictionary<string, string> Form)> ConsentFormAsync(string login)
    {
        var browser = new BrowserSession(factory);
        await browser.SignInAsync(login);
        var client = new SmartClient(browser.Http);
        var parameters = client.AuthorizeParameters("openid fhirUser launch/patient patient/Goal.rs", user: login);
        parameters.Remove("sandbox_user");

        var (status, location, _) = await client.AuthorizeAsync(parameters);
        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.StartsWith("/consent", location!.OriginalString, StringComparison.Ordinal);

        var page = await browser.Http.GetStringAsync(location.OriginalString);
        Assert.Contains("patient/Goal.rs", page, StringComparison.Ordinal);
        var form = BrowserSession.HiddenFields(page);
        Assert.True(form.ContainsKey("__RequestVerificationToken"), "the consent form carries an anti-forgery token");
        Assert.Equal(parameters["state"], form["state"]);
        return (browser, client, parameters, form);
    }
}
