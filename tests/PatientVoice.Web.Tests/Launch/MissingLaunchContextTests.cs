using System.Net;

namespace PatientVoice.Web.Tests.Launch;

/// <summary>
/// An EHR that grants the launch but leaves out what PatientVoice needs (the sandbox's Sandbox:OmitLaunchContext):
/// each launch ends on a clear page, in the user's language, saying what the EHR must grant; no session, no stack trace.
/// </summary>
[Collection(ContextlessLaunchCollection.Name)]
public sealed class MissingLaunchContextTests(ContextlessLaunchFixture fixture)
{
    [Fact]
    public async Task A_portal_launch_without_patient_context_ends_on_a_page_naming_the_patient_context_the_ehr_must_grant()
    {
        using var browser = new TestBrowser();
        var launch = await fixture.EhrLaunchAsync(new { patient = "maria-garcia", user = "maria-garcia" });

        using var page = await fixture.LaunchAsync(browser, $"/launch?iss={fixture.Iss}&launch={launch}", "maria-garcia");

        var body = await AssertRefusedAsync(browser, page, "Your health record system did not say which patient this is for", "no-patient-context");
        Assert.Contains("launch/patient", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_standalone_patient_launch_without_patient_context_is_refused_in_spanish_for_a_spanish_browser()
    {
        using var browser = new TestBrowser { AcceptLanguage = "es-MX,es;q=0.9" };

        using var page = await fixture.LaunchAsync(browser, "/launch/standalone", "carlos-mendoza");

        await AssertRefusedAsync(browser, page, "Su sistema de historia clínica no indicó para qué paciente es", "no-patient-context");
    }

    [Fact]
    public async Task A_clinician_launch_without_fhirUser_ends_on_a_page_naming_the_scopes_the_ehr_must_grant()
    {
        using var browser = new TestBrowser();
        var launch = await fixture.EhrLaunchAsync(new { patient = "james-okafor", user = "dr-patel" });

        using var page = await fixture.LaunchAsync(browser, $"/launch/clinician?iss={fixture.Iss}&launch={launch}", "dr-patel");

        var body = await AssertRefusedAsync(browser, page, "We could not tell who you are", "no-fhir-user");
        Assert.Contains("openid and fhirUser", body, StringComparison.Ordinal);
    }

    private static async Task<string> AssertRefusedAsync(TestBrowser browser, HttpResponseMessage page, string heading, string code)
    {
        var body = WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.True(page.StatusCode == HttpStatusCode.Forbidden, $"expected 403, got {(int)page.StatusCode}: {body}");
        Assert.StartsWith("text/html", page.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
        Assert.Contains($"<h1>{heading}</h1>", body, StringComparison.Ordinal);
        Assert.Contains(code, body, StringComparison.Ordinal);
        Assert.Contains("class=\"for-the-ehr\"", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
        Assert.DoesNotContain(browser.SetCookies, c => c.StartsWith(PatientVoice.Web.Launch.SmartLaunchHandler.SessionCookie + "=", StringComparison.Ordinal));
        return body;
    }
}
