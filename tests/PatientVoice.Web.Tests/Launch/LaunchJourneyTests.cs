using System.Net;
using System.Text.Json;
using System.Web;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Web.Launch;

namespace PatientVoice.Web.Tests.Launch;

/// <summary>Launches that succeed against the sandbox's default (<c>open</c>) profile.</summary>
[Collection(LaunchCollection.Name)]
public sealed class LaunchJourneyTests(LaunchFixture fixture) : LaunchJourneys(fixture);

/// <summary>The same launches against the <c>strict</c> profile (v1 scopes, no wildcards, five-minute tokens, single-use launches).</summary>
[Collection(StrictLaunchCollection.Name)]
public sealed class StrictLaunchJourneyTests(StrictLaunchFixture fixture) : LaunchJourneys(fixture);

/// <summary>Launches that succeed: from the EHR, the portal and standalone, each ending in a server-side session.</summary>
public abstract class LaunchJourneys(LaunchFixture fixture)
{
    private string PatientScopes => string.Join(' ', EhrReadTypes.Patient.Select(t => $"patient/{t}.{fixture.Read}"));

    [Fact]
    public async Task A_portal_launch_for_a_patient_opens_their_appointment_with_a_session_held_on_the_server()
    {
        using var browser = new TestBrowser();
        var launch = await fixture.EhrLaunchAsync(new { patient = "maria-garcia", user = "maria-garcia", fhirContext = new[] { new { reference = "Appointment/appt-maria-garcia" } } });

        using var start = await fixture.OpenAsync(browser, $"/launch?iss={fixture.Iss}&launch={launch}");
        var authorize = HttpUtility.ParseQueryString(start.RedirectLocation().Query);
        Assert.Equal(fixture.Sandbox.FhirBase, authorize["aud"]);
        Assert.Equal(launch, authorize["launch"]);
        Assert.Equal("S256", authorize["code_challenge_method"]);
        Assert.Equal("launch openid fhirUser offline_access " + PatientScopes, authorize["scope"]);
        Assert.Equal(new Uri(fixture.AppUrl, "/signin-smart").AbsoluteUri, authorize["redirect_uri"]);
        var callback = await LaunchFixture.SignInAtEhrAsync(browser, start.RedirectLocation(), "maria-garcia");
        using var signedIn = await browser.GetAsync(callback.AbsoluteUri);

        Assert.Equal("/patient?appointment=appt-maria-garcia", signedIn.RedirectLocation().OriginalString);
        var sessionCookie = Assert.Single(browser.SetCookies, c => c.StartsWith(SmartLaunchHandler.SessionCookie + "=", StringComparison.Ordinal));
        Assert.Contains("httponly", sessionCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("secure", sessionCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=none", sessionCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("partitioned", sessionCookie, StringComparison.OrdinalIgnoreCase);

        var session = await SessionAsync(browser);
        Assert.Equal("Patient", session.GetProperty("role").GetString());
        Assert.Equal("maria-garcia", session.GetProperty("patient").GetString());
        Assert.Equal("Patient/maria-garcia", session.GetProperty("fhirUser").GetString());
        Assert.Equal("Appointment/appt-maria-garcia", session.GetProperty("fhirContext")[0].GetString());

        // The tokens stay on the server: the browser's view of the session has none, the server's record has them.
        var stored = await fixture.Services.GetRequiredService<SmartSessionStore>().GetAsync(session.GetProperty("id").GetString()!, CancellationToken.None);
        Assert.NotNull(stored);
        Assert.DoesNotContain(stored.AccessToken, session.GetRawText(), StringComparison.Ordinal);
        Assert.NotNull(stored.RefreshToken);
        Assert.DoesNotContain(browser.SetCookies, c => c.Contains(stored.AccessToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_clinician_launched_from_the_ehr_lands_on_the_clinician_pages_with_the_patient_in_context()
    {
        using var browser = new TestBrowser();
        var launch = await fixture.EhrLaunchAsync(new { patient = "james-okafor", encounter = "enc-james-okafor", user = "dr-patel" });

        using var signedIn = await fixture.LaunchAsync(browser, $"/launch/clinician?iss={fixture.Iss}&launch={launch}", "dr-patel");

        Assert.Equal("/clinician", signedIn.RedirectLocation().OriginalString);
        var session = await SessionAsync(browser);
        Assert.Equal("Practitioner", session.GetProperty("role").GetString());
        Assert.Equal("Practitioner/dr-patel", session.GetProperty("fhirUser").GetString());
        Assert.Equal("james-okafor", session.GetProperty("patient").GetString());
        Assert.Equal("enc-james-okafor", session.GetProperty("encounter").GetString());
        Assert.Equal(["launch", "openid", "fhirUser", "online_access", $"user/Patient.{fixture.Read}", $"user/Appointment.{fixture.Read}", $"user/Practitioner.{fixture.Read}"], session.GetProperty("scope").GetString()!.Split(' '));
    }

    [Fact]
    public async Task A_family_member_starting_standalone_acts_for_the_patient_they_care_for()
    {
        using var browser = new TestBrowser();

        using var signedIn = await fixture.LaunchAsync(browser, "/launch/standalone", "lucia-garcia");

        Assert.Equal("/patient", signedIn.RedirectLocation().OriginalString);
        var session = await SessionAsync(browser);
        Assert.Equal("RelatedPerson", session.GetProperty("role").GetString());
        Assert.Equal("RelatedPerson/lucia-garcia", session.GetProperty("fhirUser").GetString());
        Assert.Equal("maria-garcia", session.GetProperty("patient").GetString());
        Assert.Equal("sandbox", session.GetProperty("ehr").GetString());
    }

    [Fact]
    public async Task A_clinician_starting_standalone_gets_user_scopes_and_no_patient()
    {
        using var browser = new TestBrowser();

        using var start = await fixture.OpenAsync(browser, "/launch/standalone?role=clinician");
        Assert.Equal($"openid fhirUser online_access user/Patient.{fixture.Read} user/Appointment.{fixture.Read} user/Practitioner.{fixture.Read}", HttpUtility.ParseQueryString(start.RedirectLocation().Query)["scope"]);
        var callback = await LaunchFixture.SignInAtEhrAsync(browser, start.RedirectLocation(), "dr-silva");
        using var signedIn = await browser.GetAsync(callback.AbsoluteUri);

        Assert.Equal("/clinician", signedIn.RedirectLocation().OriginalString);
        var session = await SessionAsync(browser);
        Assert.Equal("Practitioner/dr-silva", session.GetProperty("fhirUser").GetString());
        Assert.Equal(JsonValueKind.Null, session.GetProperty("patient").ValueKind);
    }

    [Fact]
    public async Task A_portal_link_with_only_iss_starts_a_standalone_launch_at_that_ehr()
    {
        using var browser = new TestBrowser();

        using var start = await fixture.OpenAsync(browser, $"/launch?iss={fixture.Iss}");
        var authorize = HttpUtility.ParseQueryString(start.RedirectLocation().Query);

        Assert.StartsWith(fixture.Sandbox.EhrUrl.AbsoluteUri, start.RedirectLocation().AbsoluteUri, StringComparison.Ordinal);
        Assert.Null(authorize["launch"]);
        Assert.Equal("launch/patient openid fhirUser offline_access " + PatientScopes, authorize["scope"]);
    }

    [Fact]
    public async Task A_launch_naming_a_questionnaire_opens_that_questionnaire()
    {
        using var browser = new TestBrowser();
        const string canonical = "http://patientvoice.example.org/Questionnaire/my-goals|1.0.0";
        var launch = await fixture.EhrLaunchAsync(new
        {
            patient = "ana-torres",
            user = "ana-torres",
            fhirContext = new object[] { new { reference = "Appointment/appt-ana-torres" }, new { canonical, type = "Questionnaire" } },
        });

        using var signedIn = await fixture.LaunchAsync(browser, $"/launch?iss={fixture.Iss}&launch={launch}", "ana-torres");

        Assert.Equal("/patient/questionnaire?questionnaire=" + Uri.EscapeDataString(canonical), signedIn.RedirectLocation().OriginalString);
    }

    [Fact]
    public async Task Two_launches_in_one_browser_each_complete()
    {
        using var browser = new TestBrowser();
        using var first = await fixture.OpenAsync(browser, "/launch/standalone?ehr=sandbox");
        using var second = await fixture.OpenAsync(browser, "/launch/standalone?ehr=sandbox");

        var secondCallback = await LaunchFixture.SignInAtEhrAsync(browser, second.RedirectLocation(), "robert-chen");
        var firstCallback = await LaunchFixture.SignInAtEhrAsync(browser, first.RedirectLocation(), "helen-chen");
        using var secondDone = await browser.GetAsync(secondCallback.AbsoluteUri);
        using var firstDone = await browser.GetAsync(firstCallback.AbsoluteUri);

        Assert.Equal("/patient", secondDone.RedirectLocation().OriginalString);
        Assert.Equal("/patient", firstDone.RedirectLocation().OriginalString);
        Assert.Equal("RelatedPerson/helen-chen", (await SessionAsync(browser)).GetProperty("fhirUser").GetString());
    }

    [Fact]
    public async Task A_clinicians_session_refreshes_its_token_before_it_expires_and_reads_on()
    {
        using var browser = new TestBrowser();
        var launch = await fixture.EhrLaunchAsync(new { patient = "linda-johnson", encounter = "enc-linda-johnson", user = "dr-nguyen" });
        using var signedIn = await fixture.LaunchAsync(browser, $"/launch/clinician?iss={fixture.Iss}&launch={launch}", "dr-nguyen");
        var id = (await SessionAsync(browser)).GetProperty("id").GetString()!;
        var store = fixture.Services.GetRequiredService<SmartSessionStore>();
        var before = (await store.GetAsync(id, CancellationToken.None))!;
        Assert.NotNull(before.RefreshToken); // online_access

        // A minute before the token expires (five minutes under strict, an hour under open), the next page refreshes it.
        using (fixture.Clock.Shift(before.AccessTokenExpires - fixture.Clock.GetUtcNow() - TimeSpan.FromMinutes(1)))
        {
            using var clinic = await fixture.OpenAsync(browser, "/clinician/clinic?all=true");
            Assert.Equal(HttpStatusCode.OK, clinic.StatusCode);
            Assert.DoesNotContain("could not be read", await clinic.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var after = (await store.GetAsync(id, CancellationToken.None))!;
        Assert.NotEqual(before.AccessToken, after.AccessToken);
    }

    private async Task<JsonElement> SessionAsync(TestBrowser browser)
    {
        using var response = await fixture.OpenAsync(browser, "/session", "application/json");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /session: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
