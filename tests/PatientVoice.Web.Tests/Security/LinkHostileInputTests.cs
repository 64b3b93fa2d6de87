using System.Net;
using Hl7.Fhir.Model;
using PatientVoice.Web.Tests.Invitations;
using PatientVoice.Web.Tests.Launch;
using PatientVoice.Web.Tests.Patients;

namespace PatientVoice.Web.Tests.Security;

/// <summary>
/// Hostile input at the one-time link (docs/adr/0029): forged tokens (well formed but unknown, a real one altered,
/// malformed, over-long, with path tricks), hostile date-of-birth fields, a link replayed after its submission and
/// after the clinic revoked it. Each is refused with the link's plain page and its status, opens no session, and
/// stores nothing (what the store holds about the patient counted before and after). PatientVoice on Kestrel with a
/// real SQLite file; each browser connects from a loopback address of its own (the look-up limit is per address).
/// </summary>
[Collection(LaunchCollection.Name)]
public sealed class LinkHostileInputTests(LaunchFixture fixture)
{
    private const string Form = "before-your-visit";

    public static TheoryData<string> ForgedTokens() => new()
    {
        "well formed, unknown",
        "a real token with its last character changed",
        "a real token in upper case",
        "a real token with one character more",
        "a real token with one character less",
        "malformed: not-a-token",
        "malformed: SQL",
        "malformed: padding and slashes",
        "over-long: 4,000 characters",
        "path trick: a real token then ../ encoded",
        "path trick: encoded ../ to the patient pages",
        "path trick: a real token then a semicolon parameter",
    };

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task A_forged_token_is_refused_with_the_plain_page_opens_no_session_and_stores_nothing(string forgery)
    {
        var patient = "link-forged-" + Guid.NewGuid().ToString("N")[..10];
        var (url, _) = await Links.InviteAsync(fixture, patient, check: "birth-date", birthDate: "1961-03-27");
        var real = url.AbsolutePath["/i/".Length..];
        var path = "/i/" + forgery switch
        {
            "well formed, unknown" => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_'),
            "a real token with its last character changed" => real[..^1] + (real[^1] == 'A' ? 'B' : 'A'),
            "a real token in upper case" => real.ToUpperInvariant() == real ? real.ToLowerInvariant() : real.ToUpperInvariant(),
            "a real token with one character more" => real + "A",
            "a real token with one character less" => real[..^1],
            "malformed: not-a-token" => "not-a-token",
            "malformed: SQL" => "%27%20OR%201%3D1--",
            "malformed: padding and slashes" => real[..22] + "%3D%3D",
            "over-long: 4,000 characters" => new string('A', 4000),
            "path trick: a real token then ../ encoded" => real + "%2F..%2F..%2Fpatient%2Fgoals",
            "path trick: encoded ../ to the patient pages" => "%2E%2E%2Fpatient%2Fmy-copy",
            "path trick: a real token then a semicolon parameter" => real + ";jsessionid=1",
            _ => throw new ArgumentOutOfRangeException(nameof(forgery)),
        };
        var before = await Links.HeldForAsync(fixture, patient);
        using var browser = new TestBrowser(TestBrowser.NewLoopbackAddress());
        // The forger holds a real anti-forgery pair (from the real link's check page, which stores nothing).
        var antiforgery = await AntiforgeryTokenAsync(browser, url);

        using var opened = await browser.GetAsync(new Uri(fixture.AppUrl, path).AbsoluteUri);
        var html = await opened.Content.ReadAsStringAsync();
        using var checkedDate = await PostBirthDateAsync(browser, path, antiforgery, "27", "3", "1961");

        Assert.Equal(HttpStatusCode.NotFound, opened.StatusCode);
        Assert.Contains("<div id=\"pv-link-refused\" role=\"alert\">", html, StringComparison.Ordinal);
        Assert.Contains("This link does not work", html, StringComparison.Ordinal);
        Assert.Contains("Este enlace no funciona", html, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, checkedDate.StatusCode);
        await AssertNoSessionAsync(browser);
        Assert.Equal(before, await Links.HeldForAsync(fixture, patient));
    }

    [Fact]
    public async Task Hostile_date_of_birth_fields_are_refused_with_an_announced_problem_open_nothing_and_echo_no_markup()
    {
        var patient = "link-dob-" + Guid.NewGuid().ToString("N")[..10];
        var (url, taskId) = await Links.InviteAsync(fixture, patient, check: "birth-date", birthDate: "1961-03-27");
        var before = await Links.HeldForAsync(fixture, patient);
        using var browser = new TestBrowser(TestBrowser.NewLoopbackAddress());
        var antiforgery = await AntiforgeryTokenAsync(browser, url);

        // Four attempts (the limit is five per link): markup, numbers out of range, an impossible date, a huge year.
        foreach (var (day, month, year, expected) in new[]
        {
            ("<script>alert(1)</script>", "3", "1961", HttpStatusCode.BadRequest),
            ("-1", "13", "1961", HttpStatusCode.BadRequest),
            ("31", "2", "1961", HttpStatusCode.BadRequest),
            ("27", "3", new string('9', 3000), HttpStatusCode.Forbidden),
        })
        {
            using var refused = await PostBirthDateAsync(browser, url.AbsolutePath, antiforgery, day, month, year);
            var html = await refused.Content.ReadAsStringAsync();
            Assert.Equal(expected, refused.StatusCode);
            Assert.Contains("id=\"pv-problem\" class=\"problem\" role=\"alert\"", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
            Assert.DoesNotContain("99999", html, StringComparison.Ordinal);
        }

        await AssertNoSessionAsync(browser);
        Assert.Equal(before, await Links.HeldForAsync(fixture, patient));
        using var api = Links.Client(fixture);
        Assert.Equal(Hl7.Fhir.Model.Task.TaskStatus.Requested, (await FhirJson.ReadAsync<Hl7.Fhir.Model.Task>(await api.GetAsync("Task/" + taskId))).Status);
    }

    [Fact]
    public async Task A_link_replayed_after_its_submission_is_refused_from_the_same_session_and_a_new_one_and_stores_nothing()
    {
        var patient = "link-replay-" + Guid.NewGuid().ToString("N")[..10];
        var (url, taskId) = await Links.InviteAsync(fixture, patient, language: "es");
        using var device = await PatientBrowser.OpenLinkAsync(fixture, url);
        var form = await new PatientForm(device, Form).OpenAsync();
        using (var saved = await form.SaveAsync(Answers(form.Opened, "Quiero caminar sin dolor")))
        {
            Assert.True(saved.IsSuccessStatusCode);
        }

        var review = $"/patient/questionnaire/{Form}/review";
        var token = await device.TokenAsync(review);
        var fields = new Dictionary<string, string> { ["DraftId"] = form.DraftId!, ["DraftVersion"] = form.DraftVersion!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        using (var sent = await device.PostFormAsync(review, fields, token))
        {
            Assert.Contains("/sent?", sent.RedirectLocation().OriginalString, StringComparison.Ordinal);
        }

        var before = await Links.HeldForAsync(fixture, patient);

        // The same session sends the same review again, saves a new draft, opens the form: the link's page, 410.
        using (var again = await device.PostFormAsync(review, fields, token))
        {
            Assert.Equal("/patient/link-closed", again.RedirectLocation().OriginalString);
        }

        using (var draft = await device.SaveDraftAsync(Form, new { id = (string?)null, version = (int?)null, response = new { resourceType = "QuestionnaireResponse", status = "in-progress" } }, token))
        {
            Assert.False(draft.IsSuccessStatusCode, $"a draft was saved after the link was spent: {(int)draft.StatusCode}");
        }

        var (formStatus, _, formLocation) = await device.GetAsync($"/patient/questionnaire/{Form}");
        Assert.Equal(HttpStatusCode.Redirect, formStatus);
        Assert.Equal("/patient/link-closed", formLocation!.OriginalString);
        var (closedStatus, closed, _) = await device.GetAsync("/patient/link-closed");
        Assert.Equal(HttpStatusCode.Gone, closedStatus);
        Assert.Contains("<html lang=\"es\"", closed, StringComparison.Ordinal);
        Assert.Contains("Sus respuestas ya se enviaron", closed, StringComparison.Ordinal);
        Assert.Contains("Your answers were already sent", closed, StringComparison.Ordinal);

        // The link itself, opened again on another device.
        await AssertReopenedElsewhereIsGoneAsync(url, "Sus respuestas ya se enviaron");

        Assert.Equal(before, await Links.HeldForAsync(fixture, patient));
        using var api = Links.Client(fixture);
        Assert.Equal(Hl7.Fhir.Model.Task.TaskStatus.Completed, (await FhirJson.ReadAsync<Hl7.Fhir.Model.Task>(await api.GetAsync("Task/" + taskId))).Status);
    }

    [Fact]
    public async Task A_link_replayed_after_the_clinic_revoked_it_is_refused_and_its_open_session_can_send_nothing()
    {
        var patient = "link-revoked-" + Guid.NewGuid().ToString("N")[..10];
        var (url, taskId) = await Links.InviteAsync(fixture, patient);
        using var device = await PatientBrowser.OpenLinkAsync(fixture, url);
        var form = await new PatientForm(device, Form).OpenAsync();
        using (var saved = await form.SaveAsync(Answers(form.Opened, "Talk about my sleep")))
        {
            Assert.True(saved.IsSuccessStatusCode);
        }

        var review = $"/patient/questionnaire/{Form}/review";
        var token = await device.TokenAsync(review);
        using (var clinic = Links.Client(fixture, "system/Task.u"))
        using (var revoked = await clinic.PostAsync($"Task/{taskId}/$revoke-invitation", null))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        var before = await Links.HeldForAsync(fixture, patient);

        // The page the patient had open sends anyway.
        using (var sent = await device.PostFormAsync(review, new Dictionary<string, string>
        {
            ["DraftId"] = form.DraftId!, ["DraftVersion"] = form.DraftVersion!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
        }, token))
        {
            Assert.Equal("/patient/link-closed", sent.RedirectLocation().OriginalString);
        }

        var (closedStatus, closed, _) = await device.GetAsync("/patient/link-closed");
        Assert.Equal(HttpStatusCode.Gone, closedStatus);
        Assert.Contains("This link was cancelled", closed, StringComparison.Ordinal);

        await AssertReopenedElsewhereIsGoneAsync(url, "This link was cancelled");

        Assert.Equal(before, await Links.HeldForAsync(fixture, patient));
        using var api = Links.Client(fixture);
        Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.InProgress,
            (await FhirJson.ReadAsync<QuestionnaireResponse>(await api.GetAsync("QuestionnaireResponse/" + form.DraftId))).Status);
    }

    private Task<HttpResponseMessage> PostBirthDateAsync(TestBrowser browser, string path, string antiforgery, string day, string month, string year)
        => browser.SendAsync(new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.AppUrl, path))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["day"] = day, ["month"] = month, ["year"] = year, ["__RequestVerificationToken"] = antiforgery }),
        });

    private static async Task<string> AntiforgeryTokenAsync(TestBrowser browser, Uri link)
    {
        using var page = await browser.GetAsync(link.AbsoluteUri);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        var match = System.Text.RegularExpressions.Regex.Match(await page.Content.ReadAsStringAsync(), "name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"");
        Assert.True(match.Success, "no anti-forgery token on the link's check page");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    // Without a session the patient pages send the browser to "please open PatientVoice from your portal", never to a form.
    // The link opened again on another device: the plain 410 page saying why, and no session.
    private async Task AssertReopenedElsewhereIsGoneAsync(Uri url, string says)
    {
        using var other = new TestBrowser(TestBrowser.NewLoopbackAddress());
        using var reopened = await other.GetAsync(url.AbsoluteUri);
        Assert.Equal(HttpStatusCode.Gone, reopened.StatusCode);
        Assert.Contains(says, await reopened.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await AssertNoSessionAsync(other);
    }

    private async Task AssertNoSessionAsync(TestBrowser browser)
    {
        using var form = await browser.GetAsync(new Uri(fixture.AppUrl, $"/patient/questionnaire/{Form}").AbsoluteUri);
        Assert.Equal(HttpStatusCode.Redirect, form.StatusCode);
        Assert.StartsWith("/session/required", form.Headers.Location!.OriginalString, StringComparison.Ordinal);
    }

    internal static QuestionnaireResponse Answers(QuestionnaireResponse opened, string words)
    {
        var answers = (QuestionnaireResponse)opened.DeepCopy();
        answers.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = "visit-agenda", Answer = [new() { Value = new FhirString(words) }] });
        return answers;
    }
}
