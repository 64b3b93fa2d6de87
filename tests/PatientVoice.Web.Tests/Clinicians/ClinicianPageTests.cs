using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using PatientVoice.Web.Tests.Launch;

namespace PatientVoice.Web.Tests.Clinicians;

/// <summary>
/// The clinician pages after a real EHR launch from the sandbox (dr-patel), over real HTTP: patient text shown as
/// text, the Content-Security-Policy, and the acknowledge and agree-a-goal round trips through the forms.
/// </summary>
[Collection(LaunchCollection.Name)]
public sealed partial class ClinicianPageTests(LaunchFixture fixture)
{
    private HttpClient Fhir()
    {
        var client = new HttpClient { BaseAddress = new Uri(fixture.AppUrl, "/fhir/") };
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", FhirServerFixture.Token(PatientVoice.Testing.TestTokens.AllAccess));
        return client;
    }

    [Fact]
    public async Task Patient_text_containing_html_and_script_is_shown_as_text_under_a_content_security_policy()
    {
        const string Hostile = "<script>alert('x')</script><img src=x onerror=alert(1)> I faint <b>after</b> the morning pill";
        var patient = await SubmitForAsync("james-okafor", "before-your-visit", r => PatientSubmissions.Answer(r, "visit-worries", Hostile));
        using var browser = new TestBrowser();
        await LaunchAsClinicianAsync(browser, "james-okafor");

        using var page = await browser.GetAsync(new Uri(fixture.AppUrl, "/clinician").AbsoluteUri);
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;", html, StringComparison.Ordinal);
        var csp = string.Join(' ', page.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'self' " + fixture.Sandbox.EhrUrl.GetLeftPart(UriPartial.Authority), csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        _ = patient;
    }

    [Fact]
    public async Task The_patients_agenda_and_words_come_first_and_the_copy_to_note_text_is_labelled_patient_reported()
    {
        await SubmitForAsync("grace-williams", "before-your-visit");
        using var browser = new TestBrowser();
        await LaunchAsClinicianAsync(browser, "grace-williams");

        var html = await (await browser.GetAsync(new Uri(fixture.AppUrl, "/clinician").AbsoluteUri)).Content.ReadAsStringAsync();

        var main = html[html.IndexOf("<main", StringComparison.Ordinal)..];
        Assert.True(main.IndexOf("My new water pill makes me dizzy", StringComparison.Ordinal) < main.IndexOf("Copy to your note", StringComparison.Ordinal));
        Assert.True(main.IndexOf("My new water pill makes me dizzy", StringComparison.Ordinal) < main.IndexOf("A plan for the dizziness", StringComparison.Ordinal));
        Assert.True(main.IndexOf("Can I stop the knee brace?", StringComparison.Ordinal) < main.IndexOf("Help with sleep", StringComparison.Ordinal));
        var note = NoteText().Match(html).Groups[1].Value;
        Assert.StartsWith("PATIENT-REPORTED", note, StringComparison.Ordinal);
        Assert.Contains("&quot;Falling at home&quot;", note, StringComparison.Ordinal);
        Assert.Contains("Written by the patient", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acknowledging_on_the_page_records_it_and_the_page_then_says_it_was_read()
    {
        var patient = await SubmitForAsync("linda-johnson", "my-care-preferences");
        using var browser = new TestBrowser();
        await LaunchAsClinicianAsync(browser, "linda-johnson");

        using var posted = await PostFormAsync(browser, "/clinician?handler=Acknowledge", []);

        Assert.Equal("/clinician?done=read", posted.RedirectLocation().OriginalString);
        var html = await (await browser.GetAsync(new Uri(fixture.AppUrl, "/clinician?done=read").AbsoluteUri)).Content.ReadAsStringAsync();
        Assert.Contains("Marked as read on", html, StringComparison.Ordinal);
        Assert.DoesNotContain(">I have read this<", html, StringComparison.Ordinal);
        using var fhir = Fhir();
        var found = await FhirJson.ReadAsync<Bundle>(await fhir.GetAsync($"Communication?subject={patient}"));
        var sender = ((Communication)Assert.Single(found.Entry).Resource).Sender;
        Assert.Equal("Practitioner/dr-patel", sender.Reference);
        Assert.Equal("Dr. Priya Patel", sender.Display); // what the patient reads: a name, not a record id
    }

    [Fact]
    public async Task Every_clinician_view_names_its_patient_with_birth_date_and_record_number_and_links_the_clinic_list()
    {
        await SubmitForAsync("linda-johnson", "before-your-visit");
        using var browser = new TestBrowser();
        await LaunchAsClinicianAsync(browser, "linda-johnson");

        var html = await (await browser.GetAsync(new Uri(fixture.AppUrl, "/clinician").AbsoluteUri)).Content.ReadAsStringAsync();

        var banner = Regex.Match(html, "<section class=\"banner\" aria-label=\"Patient\">(.*?)</section>", RegexOptions.Singleline);
        Assert.True(banner.Success, "The clinician view names no patient.");
        Assert.Contains("Linda Johnson", banner.Value, StringComparison.Ordinal);
        Assert.Contains("1966-01-17", banner.Value, StringComparison.Ordinal);
        Assert.Matches("MRN MRN-\\d+", banner.Value);
        Assert.Contains("href=\"/clinician/clinic\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agreeing_a_goal_on_the_page_keeps_the_patients_words_and_shows_the_clinicians_note()
    {
        var patient = await SubmitForAsync("thomas-mueller", "my-goals");
        using var fhir = Fhir();
        var goal = (await FhirJson.ReadAsync<Bundle>(await fhir.GetAsync($"Goal?patient={patient}"))).Entry
            .Select(e => (Goal)e.Resource).Single(g => g.Description.Text == "Walk my granddaughter to school" && g.LifecycleStatus == Goal.GoalLifecycleStatus.Proposed);
        using var browser = new TestBrowser();
        await LaunchAsClinicianAsync(browser, "thomas-mueller");

        using var posted = await PostFormAsync(browser, "/clinician?handler=AgreeGoal",
            [new("goalId", goal.Id), new("version", goal.Meta.VersionId), new("note", "We start with <two> short walks a week.")]);

        Assert.Equal("/clinician?done=goal", posted.RedirectLocation().OriginalString);
        var agreed = await FhirJson.ReadAsync<Goal>(await fhir.GetAsync($"Goal/{goal.Id}"));
        Assert.Equal(Goal.GoalLifecycleStatus.Active, agreed.LifecycleStatus);
        Assert.Equal("Walk my granddaughter to school", agreed.Description.Text);
        Assert.Equal(patient, agreed.ExpressedBy.Reference);
        var html = await (await browser.GetAsync(new Uri(fixture.AppUrl, "/clinician?done=goal").AbsoluteUri)).Content.ReadAsStringAsync();
        Assert.Contains("Agreed together", html, StringComparison.Ordinal);
        Assert.Contains("We start with &lt;two&gt; short walks a week.", html, StringComparison.Ordinal);

        using var stale = await PostFormAsync(browser, "/clinician?handler=AgreeGoal", [new("goalId", goal.Id), new("version", goal.Meta.VersionId), new("note", "again")]);
        Assert.Equal("/clinician?problem=changed", stale.RedirectLocation().OriginalString);
    }

    [Fact]
    public async Task The_clinic_list_shows_each_upcoming_patient_with_where_they_are_in_patientvoice()
    {
        // James Okafor (appointment in four days with the sandbox's seed) has sent his pre-visit answers;
        // Ana Torres (in three days) has not.
        await SubmitForAsync("james-okafor", "before-your-visit");
        using var browser = new TestBrowser();
        var launch = await fixture.EhrLaunchAsync(new { user = "dr-patel" });
        using var signedIn = await fixture.LaunchAsync(browser, $"/launch/clinician?iss={fixture.Iss}&launch={launch}", "dr-patel");

        using var page = await browser.GetAsync(new Uri(fixture.AppUrl, "/clinician/clinic?all=true").AbsoluteUri);
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("Submitted", ClinicRow(html, "james-okafor"), StringComparison.Ordinal);
        Assert.Contains("Not started", ClinicRow(html, "ana-torres"), StringComparison.Ordinal);
        Assert.Contains("Follow-up: Epilepsy", ClinicRow(html, "james-okafor"), StringComparison.Ordinal);
    }

    private static string ClinicRow(string html, string patientId)
    {
        var row = Regex.Match(html, "<tr>(?:(?!</tr>).)*patient=" + patientId + "\\b(?:(?!</tr>).)*</tr>", RegexOptions.Singleline);
        Assert.True(row.Success, $"No clinic-list row for {patientId}.");
        return row.Value;
    }

    [Fact]
    public async Task The_ehrs_smart_style_reaches_the_summary_page()
    {
        await SubmitForAsync("grace-williams", "before-your-visit");
        using var browser = new TestBrowser();
        await LaunchAsClinicianAsync(browser, "grace-williams");

        var html = await (await browser.GetAsync(new Uri(fixture.AppUrl, "/clinician").AbsoluteUri)).Content.ReadAsStringAsync();

        // The sandbox's /smart-style.json (its token response's smart_style_url) names these two colours.
        Assert.Contains("--ehr-highlight:#1d5fa8;", html, StringComparison.Ordinal);
        Assert.Contains("--ehr-background:#f6f7f9;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_patient_session_cannot_open_the_clinician_summary()
    {
        using var browser = new TestBrowser();
        var launch = await fixture.EhrLaunchAsync(new { patient = "rosa-hernandez", user = "rosa-hernandez" });
        using var signedIn = await fixture.LaunchAsync(browser, $"/launch?iss={fixture.Iss}&launch={launch}", "rosa-hernandez");

        using var page = await browser.GetAsync(new Uri(fixture.AppUrl, "/clinician").AbsoluteUri);

        Assert.NotEqual(HttpStatusCode.OK, page.StatusCode);
        Assert.DoesNotContain("In the patient's own words", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<string> SubmitForAsync(string sandboxPatient, string form, Action<QuestionnaireResponse>? change = null)
    {
        using var fhir = Fhir();
        var submissions = new PatientSubmissions(fhir, "Patient/" + sandboxPatient);
        await submissions.SubmitAsync(form, DateTimeOffset.UtcNow.AddDays(-1), change);
        return submissions.Patient;
    }

    private async Task LaunchAsClinicianAsync(TestBrowser browser, string patient)
    {
        var launch = await fixture.EhrLaunchAsync(new { patient, user = "dr-patel" });
        using var signedIn = await fixture.LaunchAsync(browser, $"/launch/clinician?iss={fixture.Iss}&launch={launch}", "dr-patel");
        Assert.Equal("/clinician", signedIn.RedirectLocation().OriginalString);
    }

    private async Task<HttpResponseMessage> PostFormAsync(TestBrowser browser, string pathAndQuery, List<KeyValuePair<string, string>> fields)
    {
        var html = await (await browser.GetAsync(new Uri(fixture.AppUrl, "/clinician").AbsoluteUri)).Content.ReadAsStringAsync();
        fields.Add(new("__RequestVerificationToken", AntiforgeryToken().Match(html).Groups[1].Value));
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.AppUrl, pathAndQuery)) { Content = new FormUrlEncodedContent(fields) };
        return await browser.SendAsync(request);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex("<textarea id=\"note-text\"[^>]*>([^<]*)</textarea>")]
    private static partial Regex NoteText();
}
