using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Web.Tests.Launch;

namespace PatientVoice.Web.Tests.Patients;

/// <summary>
/// The patient pages' server side, after a real portal launch: drafts saved with versions (two tabs cannot overwrite
/// each other), who a response is about and who wrote it taken from the session only, another patient's data out of
/// reach, and goals changed in the patient's words with every version kept.
/// </summary>
[Collection(LaunchCollection.Name)]
public sealed class PatientPageTests(LaunchFixture fixture)
{
    private const string Form = "my-care-preferences";

    private IResourceStore Store => fixture.Services.GetRequiredService<IResourceStore>();

    [Fact]
    public async Task A_draft_saved_from_an_older_page_is_refused_with_409_and_the_newer_answers_are_kept()
    {
        using var patient = await PatientBrowser.SignInAsync(fixture, "grace-williams", "grace-williams");
        var token = await patient.TokenAsync($"/patient/questionnaire/{Form}");

        var first = await SavedAsync(await patient.SaveDraftAsync(Form, Draft(null, null, "A quiet room"), token));
        var second = await SavedAsync(await patient.SaveDraftAsync(Form, Draft(first.Id, first.Version, "A quiet room and more time"), token));
        using var stale = await patient.SaveDraftAsync(Form, Draft(first.Id, first.Version, "Words from the other tab"), token);

        Assert.Equal(first.Id, second.Id);
        Assert.Equal(first.Version + 1, second.Version);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        var stored = await Store.ReadAsync("QuestionnaireResponse", first.Id, default);
        Assert.Equal(second.Version, stored!.VersionId);
        Assert.Contains("A quiet room and more time", stored.Json, StringComparison.Ordinal);
        Assert.DoesNotContain("Words from the other tab", stored.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_draft_is_about_the_sessions_patient_and_written_by_the_signed_in_person_whatever_the_browser_sends()
    {
        using var daughter = await PatientBrowser.SignInAsync(fixture, "maria-garcia", "lucia-garcia");
        var forged = new QuestionnaireResponse
        {
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
            Subject = new ResourceReference("Patient/grace-williams"),
            Author = new ResourceReference("Practitioner/dr-patel"),
            Questionnaire = "http://example.org/another-form",
        };
        forged.Item.Add(Answer("good-visit", "Someone to translate for my mother"));

        var saved = await SavedAsync(await daughter.SaveDraftAsync(Form, new { id = (string?)null, version = (int?)null, response = JsonDocument.Parse(FhirSerializer.ToJson(forged)).RootElement }));

        var stored = Parse<QuestionnaireResponse>((await Store.ReadAsync("QuestionnaireResponse", saved.Id, default))!.Json!);
        Assert.Equal("Patient/maria-garcia", stored.Subject.Reference);
        Assert.Equal("RelatedPerson/lucia-garcia", stored.Author.Reference);
        Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.InProgress, stored.Status);
        Assert.StartsWith("http://patientvoice.example.org/fhir/Questionnaire/my-care-preferences", stored.Questionnaire, StringComparison.Ordinal);
        Assert.Equal("Someone to translate for my mother", Assert.Single(stored.Item, i => i.LinkId == "good-visit").Answer[0].Value.ToString());
    }

    [Fact]
    public async Task Another_patients_draft_cannot_be_overwritten_or_submitted_and_stays_as_it_was()
    {
        using var owner = await PatientBrowser.SignInAsync(fixture, "thomas-mueller", "thomas-mueller");
        using var other = await PatientBrowser.SignInAsync(fixture, "aisha-bello", "aisha-bello");
        var draft = await SavedAsync(await owner.SaveDraftAsync(Form, Draft(null, null, "Large print, please")));

        using var overwrite = await other.SaveDraftAsync(Form, Draft(draft.Id, draft.Version, "Written by someone else"));
        using var submit = await other.PostFormAsync($"/patient/questionnaire/{Form}/review", new Dictionary<string, string> { ["DraftId"] = draft.Id, ["DraftVersion"] = draft.Version.ToString(System.Globalization.CultureInfo.InvariantCulture) }, await other.TokenAsync($"/patient/questionnaire/{Form}"));

        Assert.Equal(HttpStatusCode.NotFound, overwrite.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, submit.StatusCode);
        Assert.Equal("/patient/error?reason=not-found", submit.Headers.Location!.OriginalString);
        var stored = await Store.ReadAsync("QuestionnaireResponse", draft.Id, default);
        Assert.Equal(draft.Version, stored!.VersionId);
        Assert.Contains("\"in-progress\"", stored.Json, StringComparison.Ordinal);
        Assert.DoesNotContain("someone else", stored.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_draft_save_without_the_anti_forgery_token_or_with_a_body_that_is_not_a_response_stores_nothing()
    {
        using var patient = await PatientBrowser.SignInAsync(fixture, "ahmed-hassan", "ahmed-hassan");
        var before = await CountAsync("QuestionnaireResponse");

        using var noToken = await patient.SaveDraftAsync(Form, Draft(null, null, "Without a token"), token: "");
        using var forgedToken = await patient.SaveDraftAsync(Form, Draft(null, null, "With a made-up token"), token: "CfDJ8forged");
        using var notJson = await patient.SaveDraftAsync(Form, new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        using var notAResponse = await patient.SaveDraftAsync(Form, new { response = new { resourceType = "Patient", id = "ahmed-hassan" } });
        using var noSuchForm = await patient.SaveDraftAsync("no-such-questionnaire", Draft(null, null, "Anything"), await patient.TokenAsync($"/patient/questionnaire/{Form}"));

        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, forgedToken.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, notAResponse.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, noSuchForm.StatusCode);
        Assert.Equal(before, await CountAsync("QuestionnaireResponse"));
    }

    // The goal tests use Robert Chen (and Helen Chen, his daughter): the other test classes of this collection look at
    // other patients' goals and My copy, and share this server's store. Each goal's words carry a marker.
    [Fact]
    public async Task A_goal_changed_in_the_patients_words_keeps_every_version_and_a_change_from_an_older_page_is_refused()
    {
        using var patient = await PatientBrowser.SignInAsync(fixture, "robert-chen", "robert-chen");
        var words = "Walk to the park with my dog " + Marker();
        var id = await AddGoalAsync(patient, words, "I miss being outside");
        var page = $"/patient/goals/{id}";

        using var edited = await patient.PostFormAsync(page, new Dictionary<string, string> { ["version"] = "1", ["change"] = "Edit", ["Description"] = words + " and back", ["Why"] = "I miss being outside" });
        using var stale = await patient.PostFormAsync(page, new Dictionary<string, string> { ["version"] = "1", ["change"] = "Achieved" });
        using var achieved = await patient.PostFormAsync(page, new Dictionary<string, string> { ["version"] = "2", ["change"] = "Achieved" });

        Assert.Equal(HttpStatusCode.Redirect, edited.StatusCode);
        Assert.Equal(HttpStatusCode.OK, stale.StatusCode);
        Assert.Contains("This goal was changed in another window", await stale.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, achieved.StatusCode);
        var history = await Store.HistoryAsync(new HistoryQuery("Goal", id, null, null, 10, null), default);
        var versions = history.Entries.Select(e => Parse<Goal>(e.Json!)).ToList();
        Assert.Equal([words, words + " and back", words + " and back"], versions.Select(g => g.Description.Text).Reverse());
        Assert.Equal(Goal.GoalLifecycleStatus.Completed, versions[0].LifecycleStatus);
        Assert.All(versions, g => Assert.Equal("Patient/robert-chen", g.ExpressedBy.Reference));
        var shown = (await patient.GetAsync(page)).Html;
        Assert.Contains(words + "<", shown, StringComparison.Ordinal);
        Assert.Contains(words + " and back", shown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_goal_a_family_member_adds_and_changes_on_the_page_records_them_as_author_acting_for_the_patient_in_each_version()
    {
        using var daughter = await PatientBrowser.SignInAsync(fixture, "robert-chen", "helen-chen");
        var id = await AddGoalAsync(daughter, "Garden with Dad on Sundays " + Marker(), null);
        using var ended = await daughter.PostFormAsync($"/patient/goals/{id}", new Dictionary<string, string> { ["version"] = "1", ["change"] = "NoLongerRelevant" });
        Assert.Equal(HttpStatusCode.Redirect, ended.StatusCode);

        var all = await Store.HistoryAsync(new HistoryQuery("Provenance", null, null, null, 1000, null), default);
        var provenances = all.Entries.Select(e => Parse<Provenance>(e.Json!))
            .Where(p => p.Target.Any(t => t.Reference.StartsWith($"Goal/{id}/_history/", StringComparison.Ordinal)))
            .OrderBy(p => p.Target[0].Reference, StringComparer.Ordinal)
            .ToList();
        Assert.Equal([$"Goal/{id}/_history/1", $"Goal/{id}/_history/2"], provenances.Select(p => p.Target.Single().Reference));
        Assert.Equal(["CREATE", "UPDATE"], provenances.Select(p => p.Activity.Coding[0].Code));
        Assert.All(provenances, p =>
        {
            var author = Assert.Single(p.Agent);
            Assert.Equal("RelatedPerson/helen-chen", author.Who.Reference);
            Assert.Equal("Patient/robert-chen", author.OnBehalfOf.Reference);
        });
    }

    [Fact]
    public async Task A_goal_a_family_member_adds_on_the_page_is_audited_as_a_change_to_the_patients_record_by_them_without_its_words()
    {
        using var daughter = await PatientBrowser.SignInAsync(fixture, "robert-chen", "helen-chen");
        var words = "Dance at the family wedding " + Marker();
        await AddGoalAsync(daughter, words, null);

        // The audit trail is written off the request path, a moment later.
        AuditEvent? audit = null;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (audit is null && DateTime.UtcNow < deadline)
        {
            var all = await Store.HistoryAsync(new HistoryQuery("AuditEvent", null, null, null, 1000, null), default);
            audit = all.Entries.Where(e => e.Json is not null).Select(e => Parse<AuditEvent>(e.Json!))
                .FirstOrDefault(a => a.Action == AuditEvent.AuditEventAction.U
                    && a.Agent.Any(x => x.Who?.Reference == "RelatedPerson/helen-chen")
                    && a.Entity.Any(e => e.Description == "POST /Patient/Goals"));
            if (audit is null)
            {
                await System.Threading.Tasks.Task.Delay(200);
            }
        }

        Assert.NotNull(audit);
        Assert.Equal("110110", audit.Type.Code);
        Assert.Equal(AuditEvent.AuditEventOutcome.N0, audit.Outcome);
        Assert.Contains(audit.Entity, e => e.What?.Reference == "Patient/robert-chen");
        Assert.DoesNotContain(words, PatientVoice.Fhir.Serialization.FhirSerializer.ToJson(audit), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_sent_confirmation_is_only_for_a_sent_response_of_the_sessions_patient()
    {
        using var owner = await PatientBrowser.SignInAsync(fixture, "robert-chen", "robert-chen");
        var (_, sent) = await (await new PatientForm(owner, "my-goals").OpenAsync()).SubmitAsync(PatientForm.Goals(("Walk to the market on Saturdays with my wife " + Marker(), null)));
        using var other = await PatientBrowser.SignInAsync(fixture, "aisha-bello", "aisha-bello");

        var own = await owner.GetAsync($"/patient/questionnaire/my-goals/sent?response={sent}");
        var madeUp = await owner.GetAsync("/patient/questionnaire/my-goals/sent?response=no-such-response");
        var someoneElses = await other.GetAsync($"/patient/questionnaire/my-goals/sent?response={sent}");
        var noResponse = await owner.GetAsync("/patient/questionnaire/my-goals/sent");

        Assert.Equal(HttpStatusCode.OK, own.Status);
        Assert.Contains("id=\"pv-sent\"", own.Html, StringComparison.Ordinal);
        Assert.All([madeUp, someoneElses, noResponse], page =>
        {
            Assert.Equal(HttpStatusCode.Redirect, page.Status);
            Assert.Contains("/patient/error", page.Location!.OriginalString, StringComparison.OrdinalIgnoreCase);
        });
    }

    [Fact]
    public async Task A_goal_added_on_my_goals_marks_the_my_goals_form_as_shared_on_the_home_page()
    {
        // Ana Torres: no test sends her a My goals form (the clinic list test counts on her having sent nothing), so
        // only the page's goal can mark My goals as shared.
        using var patient = await PatientBrowser.SignInAsync(fixture, "ana-torres", "ana-torres");
        await AddGoalAsync(patient, "Walk after dinner every evening " + Marker(), null);

        var home = (await patient.GetAsync("/patient")).Html;

        // Her pages are in Spanish, her preferred language: "Mis metas" is My goals.
        var item = Regex.Matches(home, "<li class=\"task\">(.*?)</li>", RegexOptions.Singleline).FirstOrDefault(m => m.Value.Contains(">Mis metas<", StringComparison.Ordinal))
            ?? Match.Empty;
        Assert.True(item.Success, "My goals is not offered on the home page.");
        Assert.Contains("badge done", item.Value, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_patients_goal_opens_the_not_found_page_and_cannot_be_changed()
    {
        using var owner = await PatientBrowser.SignInAsync(fixture, "robert-chen", "robert-chen");
        using var other = await PatientBrowser.SignInAsync(fixture, "rosa-hernandez", "rosa-hernandez");
        var words = "Sleep through the night " + Marker();
        var id = await AddGoalAsync(owner, words, null);

        var opened = await other.GetAsync($"/patient/goals/{id}");
        using var changed = await other.PostFormAsync($"/patient/goals/{id}", new Dictionary<string, string> { ["version"] = "1", ["change"] = "NoLongerRelevant" }, await other.TokenAsync("/patient/goals"));

        Assert.Equal("/patient/error?reason=not-found", opened.Location!.OriginalString);
        Assert.Equal("/patient/error?reason=not-found", changed.Headers.Location!.OriginalString);
        Assert.DoesNotContain(words, opened.Html, StringComparison.Ordinal);
        Assert.Equal(1, (await Store.ReadAsync("Goal", id, default))!.VersionId);
    }

    [Fact]
    public async Task A_patient_address_that_does_not_exist_shows_the_not_found_page_in_the_patients_language()
    {
        using var patient = await PatientBrowser.SignInAsync(fixture, "linda-johnson", "linda-johnson");

        using var response = await patient.Browser.GetAsync(new Uri(fixture.AppUrl, "/patient/no-such-page").AbsoluteUri);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("<html lang=\"en\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"pv-error\"", html, StringComparison.Ordinal);
        Assert.Contains("We could not find that page for you.", html, StringComparison.Ordinal);
    }

    private static object Draft(string? id, int? version, string goodVisit)
    {
        var response = new QuestionnaireResponse { Status = QuestionnaireResponse.QuestionnaireResponseStatus.InProgress };
        response.Item.Add(Answer("good-visit", goodVisit));
        return new { id, version, response = JsonDocument.Parse(FhirSerializer.ToJson(response)).RootElement };
    }

    private static QuestionnaireResponse.ItemComponent Answer(string linkId, string text)
    {
        var item = new QuestionnaireResponse.ItemComponent { LinkId = linkId };
        item.Answer.Add(new QuestionnaireResponse.AnswerComponent { Value = new FhirString(text) });
        return item;
    }

    private static async Task<(string Id, int Version)> SavedAsync(HttpResponseMessage response)
    {
        using (response)
        {
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            return (body.GetProperty("id").GetString()!, body.GetProperty("version").GetInt32());
        }
    }

    private static T Parse<T>(string json)
        where T : Resource
        => (T)JsonSerializer.Deserialize<Resource>(json, FhirSerializer.JsonOptions)!;

    private async Task<int> CountAsync(string type)
        => (await Store.HistoryAsync(new HistoryQuery(type, null, null, null, 1, null), default)).Total;

    private static string Marker() => Guid.NewGuid().ToString("N")[..8];

    /// <summary>Adds a goal on My goals as the page's form does; its id, found by its words in the list.</summary>
    private static async Task<string> AddGoalAsync(PatientBrowser browser, string words, string? why)
    {
        using var added = await browser.PostFormAsync("/patient/goals", new Dictionary<string, string> { ["Description"] = words, ["Why"] = why ?? "" });
        Assert.Equal("/patient/goals?added=true", added.Headers.Location?.OriginalString, ignoreCase: true);
        var html = (await browser.GetAsync("/patient/goals")).Html;
        var link = Regex.Match(html, "href=\"/patient/goals/([A-Za-z0-9\\-\\.]+)\" aria-label=\"[^\"]*" + Regex.Escape(words));
        Assert.True(link.Success, "The new goal is not listed on My goals.");
        return link.Groups[1].Value;
    }
}
