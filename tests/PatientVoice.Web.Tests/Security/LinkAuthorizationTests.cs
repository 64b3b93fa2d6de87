using System.Net;
using System.Text;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Web.Tests.Clinicians;
using PatientVoice.Web.Tests.Invitations;
using PatientVoice.Web.Tests.Launch;
using PatientVoice.Web.Tests.Patients;

namespace PatientVoice.Web.Tests.Security;

/// <summary>
/// The link scope (docs/adr/0014, 0029) against a session made by one patient's link trying to reach another patient,
/// or this patient's records beyond what the link wrote: other patients' responses and drafts (read, saved over,
/// sent), this patient's portal history, other questionnaires, goals, preferences, my copy, and the FHIR API with the
/// link's cookie. Each is refused — the patient error page, the link's page or a 401 OperationOutcome — nothing of the
/// other patient appears in any body, and nothing is stored for either patient.
/// </summary>
[Collection(LaunchCollection.Name)]
public sealed class LinkAuthorizationTests(LaunchFixture fixture)
{
    private const string Form = "before-your-visit";
    private const string OtherMarker = "OTHER-PATIENT-PRIVATE";

    public static TheoryData<string> PagesBeyondTheLink() => new()
    {
        "/patient/goals",
        "/patient/goals/{otherGoal}",
        "/patient/goals/{ownGoal}",
        "/patient/my-copy",
        "/patient/preferences",
        "/patient/conditions",
        "/patient/questionnaire",
        "/patient/questionnaire/my-goals",
        "/patient/questionnaire/my-goals/review",
        "/patient/questionnaire/my-care-preferences",
        "/patient/questionnaire/before-your-visit/sent?response={otherResponse}",
        "/patient/questionnaire/before-your-visit/sent?response={ownPortalResponse}",
        "/patient/questionnaire/my-care-preferences/sent?response={otherResponse}",
        "/patient?patient={other}",
        "/patient/questionnaire/before-your-visit?patient={other}",
    };

    [Theory]
    [MemberData(nameof(PagesBeyondTheLink))]
    public async Task A_link_session_is_turned_away_from_every_page_beyond_its_form_and_sees_nothing_of_another_patient(string page)
    {
        var world = await WorldAsync();
        using var device = await PatientBrowser.OpenLinkAsync(fixture, world.Link);
        var before = await HeldAsync(world);

        var (status, html, location) = await device.GetAsync(world.Fill(page));

        // Turned away to the error page, or back to the link's own form (which shows the own patient's empty form).
        Assert.DoesNotContain(OtherMarker, html, StringComparison.Ordinal);
        for (var hops = 0; status == HttpStatusCode.Redirect && hops < 3; hops++)
        {
            Assert.Matches("^/patient/(error|questionnaire/[A-Za-z0-9-]+$)", location!.OriginalString);
            (status, html, location) = await device.GetAsync(location.OriginalString);
        }

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(html.Contains("id=\"pv-error\"", StringComparison.Ordinal) || html.Contains("id=\"pv-form\"", StringComparison.Ordinal), $"{page}: neither the error page nor the link's form");
        if (html.Contains("id=\"pv-form\"", StringComparison.Ordinal))
        {
            // A form, then only the link's own questionnaire.
            var decoded = WebUtility.HtmlDecode(html);
            Assert.Contains("Questionnaire/before-your-visit|", decoded, StringComparison.Ordinal);
            Assert.DoesNotContain("Questionnaire/my-goals|", decoded, StringComparison.Ordinal);
            Assert.DoesNotContain("Questionnaire/my-care-preferences|", decoded, StringComparison.Ordinal);
        }

        Assert.DoesNotContain(OtherMarker, html, StringComparison.Ordinal);
        Assert.DoesNotContain("Patient/" + world.Other, html, StringComparison.Ordinal);
        Assert.DoesNotContain(world.OtherResponse, html, StringComparison.Ordinal);
        Assert.DoesNotContain(world.OwnPortalResponse, html, StringComparison.Ordinal);
        Assert.Equal(before, await HeldAsync(world));
    }

    [Fact]
    public async Task A_link_session_cannot_save_over_or_send_another_patients_draft_even_one_tagged_with_its_own_invitation()
    {
        var world = await WorldAsync();
        using var device = await PatientBrowser.OpenLinkAsync(fixture, world.Link);
        var form = await new PatientForm(device, Form).OpenAsync();
        var before = await HeldAsync(world);
        var otherDraft = world.OtherDraft;

        // Save the link's answers over the other patient's draft (its id and version, as a forged page would send them).
        var answers = LinkHostileInputTests.Answers(form.Opened, "Overwrite " + OtherMarker);
        var forged = new QuestionnaireResponse { Questionnaire = answers.Questionnaire, Item = answers.Item };
        var body = $$"""{"id":"{{otherDraft.Id}}","version":{{otherDraft.Meta.VersionId}},"start":null,"response":{{FhirSerializer.ToJson(forged)}}}""";
        using (var saved = await device.SaveDraftAsync(Form, new StringContent(body, Encoding.UTF8, "application/json")))
        {
            Assert.False(saved.IsSuccessStatusCode, $"saved over another patient's draft: {(int)saved.StatusCode}");
            Assert.DoesNotContain(OtherMarker, await saved.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // Send the other patient's draft from the link's review page.
        var review = $"/patient/questionnaire/{Form}/review";
        using (var sent = await device.PostFormAsync(review, new Dictionary<string, string>
        {
            ["DraftId"] = otherDraft.Id!, ["DraftVersion"] = otherDraft.Meta.VersionId!,
        }, await device.TokenAsync($"/patient/questionnaire/{Form}")))
        {
            Assert.Equal(HttpStatusCode.Redirect, sent.StatusCode);
            Assert.StartsWith("/patient/error", sent.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }

        Assert.Equal(before, await HeldAsync(world));
        using var api = Links.Client(fixture);
        var stored = await FhirJson.ReadAsync<QuestionnaireResponse>(await api.GetAsync("QuestionnaireResponse/" + otherDraft.Id));
        Assert.Equal(otherDraft.Meta.VersionId, stored.Meta.VersionId);
        Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.InProgress, stored.Status);
    }

    public static TheoryData<string, string> ApiRequests() => new()
    {
        { "GET", "QuestionnaireResponse?subject=Patient/{own}" },
        { "GET", "QuestionnaireResponse/{otherResponse}" },
        { "GET", "Goal?subject=Patient/{other}" },
        { "GET", "Task/{task}" },
        { "GET", "Patient/{own}/$everything" },
        { "POST", "QuestionnaireResponse" },
        { "POST", "Patient/{own}/$invite" },
        { "POST", "Task/{task}/$revoke-invitation" },
    };

    [Theory]
    [MemberData(nameof(ApiRequests))]
    public async Task The_fhir_api_does_not_take_the_link_cookie_as_a_credential(string method, string path)
    {
        var world = await WorldAsync();
        using var device = await PatientBrowser.OpenLinkAsync(fixture, world.Link);
        var before = await HeldAsync(world);
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(fixture.AppUrl, "/fhir/" + world.Fill(path)));
        if (method == "POST")
        {
            var response = LinkHostileInputTests.Answers(new QuestionnaireResponse { Questionnaire = "http://patientvoice.example.org/fhir/Questionnaire/before-your-visit" }, "Via the API");
            response.Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed;
            response.Subject = new ResourceReference("Patient/" + world.Own);
            request.Content = path.Contains('$', StringComparison.Ordinal)
                ? FhirJson.Content("{\"resourceType\":\"Parameters\",\"parameter\":[{\"name\":\"visitDate\",\"valueDate\":\"" + Links.VisitDate + "\"},{\"name\":\"clinic\",\"valueString\":\"X\"},{\"name\":\"check\",\"valueCode\":\"none\"}]}")
                : FhirJson.Content(response);
        }

        using var answer = await device.Browser.SendAsync(request, "application/fhir+json");
        var text = await answer.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        Assert.Contains("\"OperationOutcome\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(OtherMarker, text, StringComparison.Ordinal);
        Assert.Equal(before, await HeldAsync(world));
    }

    [Fact]
    public async Task Another_patients_link_opened_in_the_same_browser_replaces_the_session_and_its_answers_go_to_that_patient_only()
    {
        var world = await WorldAsync();
        using var device = await PatientBrowser.OpenLinkAsync(fixture, world.Link);
        var (otherLink, _) = await Links.InviteAsync(fixture, world.Other);
        var ownBefore = await Links.HeldForAsync(fixture, world.Own);

        // The same browser opens the other patient's link (a shared family phone).
        using (var opened = await device.Browser.GetAsync(otherLink.AbsoluteUri))
        {
            Assert.StartsWith("/patient/questionnaire/", opened.RedirectLocation().OriginalString, StringComparison.Ordinal);
        }

        var form = await new PatientForm(device, Form).OpenAsync();
        Assert.Equal("Patient/" + world.Other, form.Opened.Subject.Reference);
        Assert.DoesNotContain(OtherMarker, FhirSerializer.ToJson(form.Opened), StringComparison.Ordinal);
        var (_, responseId) = await form.SubmitAsync(LinkHostileInputTests.Answers(form.Opened, "For the other patient"));

        using var api = Links.Client(fixture);
        var stored = await FhirJson.ReadAsync<QuestionnaireResponse>(await api.GetAsync("QuestionnaireResponse/" + responseId));
        Assert.Equal("Patient/" + world.Other, stored.Subject.Reference);
        Assert.Equal(ownBefore, await Links.HeldForAsync(fixture, world.Own));
    }

    private Task<string> HeldAsync(World world) => Task.WhenAll(Links.HeldForAsync(fixture, world.Own), Links.HeldForAsync(fixture, world.Other)).ContinueWith(t => string.Join("\n--\n", t.Result), TaskScheduler.Default);

    /// <summary>
    /// Two patients: the own one (a link, and a response from the portal the link did not write, with a goal) and the
    /// other (a submitted response with a goal, and a draft tagged as if the own link had written it), both with
    /// <see cref="OtherMarker"/> in their words.
    /// </summary>
    private async Task<World> WorldAsync()
    {
        var own = "link-own-" + Guid.NewGuid().ToString("N")[..8];
        var other = "link-other-" + Guid.NewGuid().ToString("N")[..8];
        using var api = Links.Client(fixture);
        var ownPortal = await new PatientSubmissions(api, "Patient/" + own).SubmitAsync("my-goals", DateTimeOffset.UtcNow.AddDays(-10), r => Words(r, OtherMarker + " own portal goal"));
        var otherResponse = await new PatientSubmissions(api, "Patient/" + other).SubmitAsync("my-goals", DateTimeOffset.UtcNow.AddDays(-5), r => Words(r, OtherMarker + " other patient's goal"));
        var ownGoal = (await Links.SearchAsync<Goal>(api, $"Goal?subject=Patient/{own}")).First().Id;
        var otherGoal = (await Links.SearchAsync<Goal>(api, $"Goal?subject=Patient/{other}")).First().Id;
        var (link, task) = await Links.InviteAsync(fixture, own);
        // The other patient's draft, tagged as if the own link had written it (a forged tag must not widen the link's reach).
        var draft = FhirJson.CompletedResponse(Form);
        draft.Status = QuestionnaireResponse.QuestionnaireResponseStatus.InProgress;
        draft.Subject = new ResourceReference("Patient/" + other);
        draft.Author = new ResourceReference("Patient/" + other);
        draft.Source = new ResourceReference("Patient/" + other);
        draft.Meta = new Meta { Tag = [new Coding(Application.Invitations.InvitationTask.ResponseTagSystem, task)] };
        PatientSubmissions.Answer(draft, "visit-agenda", OtherMarker + " draft");
        using var posted = await api.PostAsync("QuestionnaireResponse", FhirJson.Content(draft));
        Assert.True(posted.StatusCode == HttpStatusCode.Created, await posted.Content.ReadAsStringAsync());
        return new World(own, other, link, task, ownPortal.Id, otherResponse.Id, ownGoal, otherGoal, await FhirJson.ReadAsync<QuestionnaireResponse>(posted), Form);
    }

    private static void Words(QuestionnaireResponse response, string words)
    {
        var goal = response.Item.First(i => i.LinkId == "goal");
        goal.Item.First(i => i.LinkId == "goal-text").Answer = [new() { Value = new FhirString(words) }];
    }

    private sealed record World(string Own, string Other, Uri Link, string Task, string OwnPortalResponse, string OtherResponse, string OwnGoal, string OtherGoal, QuestionnaireResponse OtherDraft, string FormId)
    {
        public string Fill(string template) => template
            .Replace("{own}", Own, StringComparison.Ordinal)
            .Replace("{other}", Other, StringComparison.Ordinal)
            .Replace("{task}", Task, StringComparison.Ordinal)
            .Replace("{otherResponse}", OtherResponse, StringComparison.Ordinal)
            .Replace("{ownPortalResponse}", OwnPortalResponse, StringComparison.Ordinal)
            .Replace("{ownGoal}", OwnGoal, StringComparison.Ordinal)
            .Replace("{otherGoal}", OtherGoal, StringComparison.Ordinal);
    }
}
