using System.Net;
using System.Security.Claims;
using System.Text.Json;
using Hl7.Fhir.Model;
using Claim = System.Security.Claims.Claim;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Web.Launch;

namespace PatientVoice.Web.Tests.Launch;

/// <summary>What a session gives pages after the launch: the policies, the EHR reads, the refresh, the end.</summary>
[Collection(LaunchCollection.Name)]
public sealed class SessionTests(LaunchFixture fixture)
{
    [Fact]
    public async Task A_browser_without_a_session_is_sent_once_to_the_open_from_your_portal_page()
    {
        using var browser = new TestBrowser { AcceptLanguage = "es" };

        using var page = await fixture.OpenAsync(browser, "/session");
        Assert.Equal("/session/required", page.RedirectLocation().OriginalString);
        using var required = await fixture.OpenAsync(browser, "/session/required");
        var body = await required.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, required.StatusCode);
        Assert.Contains("<h1>Abra PatientVoice desde su portal o su sistema de historia clínica</h1>", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pages_may_be_framed_by_the_configured_ehrs_and_by_no_one_else()
    {
        using var browser = new TestBrowser();

        using var page = await fixture.OpenAsync(browser, "/session/required");

        var policy = Assert.Single(page.Headers.GetValues("Content-Security-Policy"));
        // One header: the page's own policy (script-src and the rest) and, in it, who may frame it.
        var framing = Assert.Single(policy.Split(';', StringSplitOptions.TrimEntries), d => d.StartsWith("frame-ancestors", StringComparison.Ordinal));
        Assert.Equal($"frame-ancestors 'self' {fixture.Sandbox.EhrUrl.GetLeftPart(UriPartial.Authority)} {new Uri(fixture.OfflineFhirBase).GetLeftPart(UriPartial.Authority)}", framing);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.False(page.Headers.Contains("X-Frame-Options"));
        Assert.True(fixture.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions>>().Value.SuppressXFrameOptionsHeader);
    }

    [Fact]
    public async Task A_script_without_a_session_gets_401_not_a_redirect()
    {
        using var browser = new TestBrowser();

        using var response = await fixture.OpenAsync(browser, "/session", "application/json");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_patient_and_clinician_policies_tell_the_roles_apart()
    {
        var authorization = fixture.Services.GetRequiredService<IAuthorizationService>();
        static ClaimsPrincipal Session(string role, string? patient)
        {
            var identity = new ClaimsIdentity(SmartSessionPolicies.CookieScheme);
            identity.AddClaim(new Claim(SmartSessionClaims.SessionId, "s"));
            identity.AddClaim(new Claim(SmartSessionClaims.Role, role));
            if (patient is not null)
            {
                identity.AddClaim(new Claim(SmartSessionClaims.Patient, patient));
            }

            return new ClaimsPrincipal(identity);
        }

        async Task<bool> Allowed(ClaimsPrincipal user, string policy) => (await authorization.AuthorizeAsync(user, policy)).Succeeded;

        Assert.True(await Allowed(Session("Patient", "p"), SmartSessionPolicies.Patient));
        Assert.True(await Allowed(Session("RelatedPerson", "p"), SmartSessionPolicies.Patient));
        Assert.False(await Allowed(Session("Patient", "p"), SmartSessionPolicies.Clinician));
        // Staff answering with the patient of their launch (docs/adr/0030): admitted, and the pages narrow them to the forms
        // (StaffAssistedAnsweringTests); without a patient in the launch, never.
        Assert.True(await Allowed(Session("Practitioner", "p"), SmartSessionPolicies.Patient));
        Assert.False(await Allowed(Session("Practitioner", null), SmartSessionPolicies.Patient));
        Assert.False(await Allowed(Session("Patient", null), SmartSessionPolicies.Patient));
        Assert.True(await Allowed(Session("Practitioner", null), SmartSessionPolicies.Clinician));
        Assert.False(await Allowed(new ClaimsPrincipal(new ClaimsIdentity()), SmartSessionPolicies.Patient));
    }

    [Fact]
    public async Task The_access_token_is_refreshed_before_it_expires_and_the_ehr_accepts_the_new_one()
    {
        using var browser = new TestBrowser();
        var (session, stored) = await LaunchAsync(browser, "thomas-mueller");
        var reader = fixture.Services.GetRequiredService<IEhrFhirClient>();

        // A minute before expiry: inside the two minutes in which a token is refreshed before use.
        var untilOneMinuteBefore = stored.AccessTokenExpires - fixture.Clock.GetUtcNow() - TimeSpan.FromMinutes(1);
        Resource? patient;
        StoredSmartSession? after;
        using (fixture.Clock.Shift(untilOneMinuteBefore))
        {
            patient = await reader.ReadAsync(session, "Patient/thomas-mueller", CancellationToken.None);
            after = await fixture.Services.GetRequiredService<SmartSessionStore>().GetAsync(session.Id, CancellationToken.None);
        }

        Assert.Equal("thomas-mueller", Assert.IsType<Patient>(patient).Id);
        Assert.NotNull(after);
        Assert.NotEqual(stored.AccessToken, after.AccessToken);
        Assert.True(after.AccessTokenExpires > stored.AccessTokenExpires);
    }

    [Fact]
    public async Task A_token_far_from_expiry_is_used_as_it_is()
    {
        using var browser = new TestBrowser();
        var (session, stored) = await LaunchAsync(browser, "linda-johnson");

        var bundle = await fixture.Services.GetRequiredService<IEhrFhirClient>().SearchAsync(session, "Condition", "patient=linda-johnson", CancellationToken.None);
        var after = await fixture.Services.GetRequiredService<SmartSessionStore>().GetAsync(session.Id, CancellationToken.None);

        Assert.Contains(bundle.Entry, e => e.Resource is Condition);
        Assert.Equal(stored.AccessToken, after!.AccessToken);
    }

    [Fact]
    public async Task Reads_from_an_ehr_whose_fhir_endpoint_is_down_fail_as_unreachable_and_recover()
    {
        using var browser = new TestBrowser();
        var (session, _) = await LaunchAsync(browser, "aisha-bello");
        var reader = fixture.Services.GetRequiredService<IEhrFhirClient>();

        await fixture.Sandbox.TurnFaultOnAsync("unavailable", 30);
        EhrRequestException error;
        try
        {
            error = await Assert.ThrowsAsync<EhrRequestException>(() => reader.ReadAsync(session, "Patient/aisha-bello", CancellationToken.None));
        }
        finally
        {
            await fixture.Sandbox.TurnFaultsOffAsync();
        }

        Assert.Equal(EhrRequestFailure.Unreachable, error.Failure);
        Assert.Equal(503, error.Status);
        Assert.NotNull(await reader.ReadAsync(session, "Patient/aisha-bello", CancellationToken.None));
    }

    [Fact]
    public async Task A_read_outside_the_patients_compartment_is_refused_by_the_ehr()
    {
        using var browser = new TestBrowser();
        var (session, _) = await LaunchAsync(browser, "ahmed-hassan");

        var error = await Assert.ThrowsAsync<EhrRequestException>(() =>
            fixture.Services.GetRequiredService<IEhrFhirClient>().ReadAsync(session, "Patient/maria-garcia", CancellationToken.None));

        Assert.Equal(EhrRequestFailure.Refused, error.Failure);
    }

    [Theory]
    [InlineData("../../connect/token")]
    [InlineData("https://evil.example.org/fhir/Patient/1")]
    [InlineData("Patient")]
    public async Task A_read_takes_only_a_relative_reference(string reference)
    {
        using var browser = new TestBrowser();
        var (session, _) = await LaunchAsync(browser, "robert-chen");

        await Assert.ThrowsAsync<ArgumentException>(() =>
            fixture.Services.GetRequiredService<IEhrFhirClient>().ReadAsync(session, reference, CancellationToken.None));
    }

    [Fact]
    public async Task A_cookie_whose_session_ended_on_the_server_opens_nothing()
    {
        using var browser = new TestBrowser();
        var (session, _) = await LaunchAsync(browser, "grace-williams");

        await fixture.Services.GetRequiredService<SmartSessionStore>().RemoveAsync(session.Id, CancellationToken.None);
        using var response = await fixture.OpenAsync(browser, "/session", "application/json");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Signing_out_ends_the_session_on_the_server_and_in_the_browser()
    {
        using var browser = new TestBrowser();
        var (session, _) = await LaunchAsync(browser, "rosa-hernandez");
        using var offer = await fixture.OpenAsync(browser, "/session/end");
        var form = await offer.Content.ReadAsStringAsync();
        var token = System.Text.RegularExpressions.Regex.Match(form, "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"").Groups[1].Value;
        Assert.False(string.IsNullOrEmpty(token), form);

        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.AppUrl, "/session/end"))
        {
            Content = new FormUrlEncodedContent([new("__RequestVerificationToken", token)]),
        };
        using var signedOut = await browser.SendAsync(post);

        Assert.Equal(HttpStatusCode.OK, signedOut.StatusCode);
        Assert.Contains("<h1>You have signed out of PatientVoice</h1>", await signedOut.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Null(await fixture.Services.GetRequiredService<SmartSessionStore>().GetAsync(session.Id, CancellationToken.None));
        using var after = await fixture.OpenAsync(browser, "/session", "application/json");
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task Signing_out_without_the_anti_forgery_token_is_refused()
    {
        using var browser = new TestBrowser();
        var (session, _) = await LaunchAsync(browser, "miguel-hernandez");

        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.AppUrl, "/session/end")) { Content = new FormUrlEncodedContent([]) };
        using var response = await browser.SendAsync(post);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(await fixture.Services.GetRequiredService<SmartSessionStore>().GetAsync(session.Id, CancellationToken.None));
    }

    private async Task<(SmartSession Session, StoredSmartSession Stored)> LaunchAsync(TestBrowser browser, string patient)
    {
        using var signedIn = await fixture.LaunchAsync(browser, "/launch/standalone", patient);
        Assert.Equal("/patient", signedIn.RedirectLocation().OriginalString);
        using var response = await fixture.OpenAsync(browser, "/session", "application/json");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var stored = await fixture.Services.GetRequiredService<SmartSessionStore>().GetAsync(json.RootElement.GetProperty("id").GetString()!, CancellationToken.None);
        Assert.NotNull(stored);
        return (stored.Session, stored);
    }
}
