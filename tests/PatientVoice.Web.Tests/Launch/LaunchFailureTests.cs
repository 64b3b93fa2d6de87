using System.Net;
using System.Web;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.Launch;

/// <summary>Launches that fail: each ends on a clear page in the user's language, with its status, never a stack trace.</summary>
[Collection(LaunchCollection.Name)]
public sealed class LaunchFailureTests(LaunchFixture fixture)
{
    [Fact]
    public async Task A_launch_from_an_iss_that_is_not_a_configured_ehr_is_refused_and_nothing_is_fetched_from_it()
    {
        using var stranger = new StubEhr();
        stranger.Discovery = (200, stranger.ValidDocument("permission-v2"));
        using var browser = new TestBrowser();

        using var response = await fixture.OpenAsync(browser, $"/launch?iss={HttpUtility.UrlEncode(stranger.FhirBase)}&launch=abc");

        await AssertPageAsync(response, HttpStatusCode.BadRequest, "PatientVoice can&#x27;t be opened from here", "unknown-ehr");
        Assert.Null(response.Headers.Location);
        Assert.Equal(0, stranger.Requests);
    }

    [Theory]
    [InlineData("https://evil.example.org/fhir")]
    [InlineData("javascript:alert(1)")]
    [InlineData("//evil.example.org/fhir")]
    [InlineData("not a url")]
    public async Task No_iss_other_than_a_configured_ehr_produces_a_redirect(string iss)
    {
        using var browser = new TestBrowser();

        using var response = await fixture.OpenAsync(browser, $"/launch?iss={HttpUtility.UrlEncode(iss)}&launch=abc");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }

    [Fact]
    public async Task The_refusal_page_speaks_spanish_to_a_spanish_browser()
    {
        using var browser = new TestBrowser { AcceptLanguage = "es-MX,es;q=0.9,en;q=0.5" };

        using var response = await fixture.OpenAsync(browser, "/launch?iss=https%3A%2F%2Fevil.example.org%2Ffhir");

        var body = await AssertPageAsync(response, HttpStatusCode.BadRequest, "PatientVoice no se puede abrir desde aquí", "unknown-ehr");
        Assert.Contains("<html lang=\"es\">", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_lang_cookie_overrides_the_browser_language()
    {
        using var browser = new TestBrowser { AcceptLanguage = "es" };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.AppUrl, "/launch"));
        request.Headers.Add("Cookie", "lang=en");

        using var response = await browser.SendAsync(request);

        await AssertPageAsync(response, HttpStatusCode.BadRequest, "This link is incomplete", "missing-parameters");
    }

    [Fact]
    public async Task A_standalone_start_naming_no_configured_ehr_is_refused()
    {
        using var browser = new TestBrowser();

        using var response = await fixture.OpenAsync(browser, "/launch/standalone?ehr=elsewhere");

        await AssertPageAsync(response, HttpStatusCode.BadRequest, "This link is incomplete", "missing-parameters");
    }

    [Fact]
    public async Task A_callback_without_state_is_refused()
    {
        using var browser = new TestBrowser();

        using var response = await fixture.OpenAsync(browser, "/signin-smart?code=abc");

        await AssertPageAsync(response, HttpStatusCode.BadRequest, "We could not confirm this sign-in", "state-invalid");
    }

    [Fact]
    public async Task A_callback_with_a_state_this_server_never_issued_is_refused()
    {
        using var browser = new TestBrowser();
        using var start = await fixture.OpenAsync(browser, "/launch/standalone");
        var callback = await LaunchFixture.SignInAtEhrAsync(browser, start.RedirectLocation(), "maria-garcia");
        var code = HttpUtility.ParseQueryString(callback.Query)["code"];

        using var response = await fixture.OpenAsync(browser, $"/signin-smart?code={code}&state={Smart.Launch.LaunchState.Create()}");

        await AssertPageAsync(response, HttpStatusCode.BadRequest, "We could not confirm this sign-in", "state-invalid");
        Assert.DoesNotContain(browser.SetCookies, c => c.StartsWith("pv-session=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_replayed_callback_is_refused_the_second_time()
    {
        using var browser = new TestBrowser();
        using var start = await fixture.OpenAsync(browser, "/launch/standalone");
        var callback = await LaunchFixture.SignInAtEhrAsync(browser, start.RedirectLocation(), "carlos-mendoza");
        using var first = await browser.GetAsync(callback.AbsoluteUri);
        Assert.Equal("/patient", first.RedirectLocation().OriginalString);

        using var replay = await browser.GetAsync(callback.AbsoluteUri);

        await AssertPageAsync(replay, HttpStatusCode.BadRequest, "We could not confirm this sign-in", "state-invalid");
    }

    [Fact]
    public async Task A_callback_arriving_in_another_browser_is_refused()
    {
        using var patientsBrowser = new TestBrowser();
        using var otherBrowser = new TestBrowser();
        using var start = await fixture.OpenAsync(patientsBrowser, "/launch/standalone");
        var callback = await LaunchFixture.SignInAtEhrAsync(patientsBrowser, start.RedirectLocation(), "rosa-hernandez");

        using var response = await otherBrowser.GetAsync(callback.AbsoluteUri);

        await AssertPageAsync(response, HttpStatusCode.BadRequest, "We could not confirm this sign-in", "state-invalid");
    }

    [Fact]
    public async Task Declining_consent_at_the_ehr_shows_that_nothing_was_shared()
    {
        using var browser = new TestBrowser();
        using var start = await fixture.OpenAsync(browser, "/launch/standalone");
        var state = HttpUtility.ParseQueryString(start.RedirectLocation().Query)["state"];

        using var response = await fixture.OpenAsync(browser, $"/signin-smart?error=access_denied&error_description=The+user+denied&state={state}");

        var body = await AssertPageAsync(response, HttpStatusCode.Forbidden, "You chose not to share access", "consent-denied");
        Assert.Contains("Nothing has been shared", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_launch_the_ehr_no_longer_knows_shows_that_the_portal_could_not_start_patientvoice()
    {
        using var browser = new TestBrowser();
        using var start = await fixture.OpenAsync(browser, $"/launch?iss={fixture.Iss}&launch=expired-or-never-issued");
        var callback = await LaunchFixture.SignInAtEhrAsync(browser, start.RedirectLocation(), "maria-garcia");
        Assert.Equal("invalid_request", HttpUtility.ParseQueryString(callback.Query)["error"]);

        using var response = await browser.GetAsync(callback.AbsoluteUri);

        await AssertPageAsync(response, HttpStatusCode.BadRequest, "Your portal could not start PatientVoice", "authorization-failed");
    }

    [Fact]
    public async Task A_sign_in_finished_after_the_pending_launch_expired_is_refused()
    {
        using var browser = new TestBrowser();
        using var start = await fixture.OpenAsync(browser, "/launch/standalone");
        var callback = await LaunchFixture.SignInAtEhrAsync(browser, start.RedirectLocation(), "grace-williams");

        HttpResponseMessage response;
        using (fixture.Clock.Shift(TimeSpan.FromMinutes(11)))
        {
            response = await browser.GetAsync(callback.AbsoluteUri);
        }

        using (response)
        {
            await AssertPageAsync(response, HttpStatusCode.BadRequest, "This sign-in took too long", "launch-expired");
        }
    }

    [Fact]
    public async Task An_ehr_that_cannot_be_reached_shows_a_try_again_later_page()
    {
        using var browser = new TestBrowser();

        using var response = await fixture.OpenAsync(browser, "/launch/standalone?ehr=offline");

        var body = await AssertPageAsync(response, HttpStatusCode.ServiceUnavailable, "We can&#x27;t reach your health record system right now", "ehr-unreachable");
        Assert.Contains("try again in a few minutes", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_code_the_ehr_refuses_shows_the_token_refused_page()
    {
        using var browser = new TestBrowser();
        using var start = await fixture.OpenAsync(browser, "/launch/standalone");
        var state = HttpUtility.ParseQueryString(start.RedirectLocation().Query)["state"];

        using var response = await fixture.OpenAsync(browser, $"/signin-smart?code=not-a-code-the-ehr-issued&state={state}");

        await AssertPageAsync(response, HttpStatusCode.BadGateway, "Your health record system did not let PatientVoice in", "token-refused");
    }

    [Fact]
    public async Task A_callback_naming_another_authorization_server_as_issuer_is_refused()
    {
        using var browser = new TestBrowser();
        using var start = await fixture.OpenAsync(browser, "/launch/standalone");
        var callback = await LaunchFixture.SignInAtEhrAsync(browser, start.RedirectLocation(), "ahmed-hassan");
        var query = HttpUtility.ParseQueryString(callback.Query);

        using var response = await fixture.OpenAsync(browser, $"/signin-smart?code={query["code"]}&state={query["state"]}&iss={HttpUtility.UrlEncode("https://other-as.example.org/")}");

        await AssertPageAsync(response, HttpStatusCode.BadRequest, "Your portal could not start PatientVoice", "authorization-failed");
    }

    private static async Task<string> AssertPageAsync(HttpResponseMessage response, HttpStatusCode status, string heading, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.StartsWith("text/html", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains($"<h1>{heading}</h1>", body, StringComparison.Ordinal);
        Assert.Contains(code, body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        return body;
    }
}
