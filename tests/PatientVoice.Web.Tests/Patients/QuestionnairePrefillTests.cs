using System.Net;
using Hl7.Fhir.Model;
using PatientVoice.Testing;
using PatientVoice.Web.Tests.Launch;

namespace PatientVoice.Web.Tests.Patients;

/// <summary>
/// The questionnaire page opens pre-filled by SDC $populate (launch context from the EHR, the last submission carried
/// forward), and goals carried through the page keep their Goal: edited → a new version, removed → cancelled, another
/// patient's → refused (docs/adr/0008). PatientVoice on Kestrel with SQLite, the sandbox EHR as its own process.
/// </summary>
[Collection(LaunchCollection.Name)]
public sealed class QuestionnairePrefillTests(LaunchFixture fixture)
{
    private const string CarriedForwardFrom = "http://patientvoice.example.org/fhir/StructureDefinition/pv-carried-forward-from";

    [Fact]
    public async Task What_i_know_opens_with_one_group_per_condition_the_ehr_holds_named_by_its_initial_expression()
    {
        using var browser = await PatientBrowser.SignInAsync(fixture, "aisha-bello", "aisha-bello");

        var form = await new PatientForm(browser, "what-i-know-about-my-condition").OpenAsync();

        var condition = Assert.Single(form.Opened.Item, i => i.LinkId == "condition");
        Assert.Equal("Chronic pain", PatientForm.Answer(condition, "condition-name"));
        Assert.Null(form.Start); // nothing carried forward: the first time
    }

    [Fact]
    public async Task What_i_know_reopened_carries_what_the_patient_wrote_about_a_condition_without_a_second_group_for_it()
    {
        using var browser = await PatientBrowser.SignInAsync(fixture, "robert-chen", "robert-chen");
        var first = await new PatientForm(browser, "what-i-know-about-my-condition").OpenAsync();
        var condition = first.Opened.Item.Single(i => i.LinkId == "condition");
        Assert.Equal("Heart failure", PatientForm.Answer(condition, "condition-name"));
        condition.Item.Add(new() { LinkId = "what-helps", Answer = [new() { Value = new FhirString("An hour in the garden every morning") }] });
        await first.SubmitAsync(first.Opened);

        var second = await new PatientForm(browser, "what-i-know-about-my-condition").OpenAsync();

        var carried = Assert.Single(second.Opened.Item, i => i.LinkId == "condition");
        Assert.Equal("Heart failure", PatientForm.Answer(carried, "condition-name"));
        Assert.Equal("An hour in the garden every morning", PatientForm.Answer(carried, "what-helps"));
    }

    [Fact]
    public async Task A_questionnaire_whose_launch_context_the_session_cannot_give_still_opens_with_that_item_empty()
    {
        var id = await StoreSharedAsync("launchContext.json");
        using var browser = await PatientBrowser.SignInAsync(fixture, "carlos-mendoza", "carlos-mendoza");

        var form = await new PatientForm(browser, id).OpenAsync();

        Assert.DoesNotContain(form.Opened.Item, i => i.LinkId is "q1" or "q2");
        Assert.Null(form.DraftId);
    }

    [Fact]
    public async Task A_goal_carried_into_the_next_visit_and_edited_there_is_the_same_goal_at_version_two()
    {
        using var api = FhirApi.Client(fixture);
        using var browser = await PatientBrowser.SignInAsync(fixture, "grace-williams", "grace-williams");
        var first = await new PatientForm(browser, "my-goals").OpenAsync();
        var (_, firstResponse) = await first.SubmitAsync(PatientForm.Goals(("Sleep eight hours before exams", null), ("Join the university dance club", null)));
        var goals = await FhirApi.SearchAsync<Goal>(api, "Goal?patient=Patient/grace-williams");
        var sleep = goals.Single(g => g.Description.Text == "Sleep eight hours before exams");

        var second = await new PatientForm(browser, "my-goals").OpenAsync();
        Assert.NotNull(second.Start);
        var carried = second.Opened.Item.Where(i => i.LinkId == "goal").ToList();
        Assert.Equal(goals.Select(g => g.Id).Order(StringComparer.Ordinal), carried.Select(g => PatientForm.Answer(g, "goal-id")).Order(StringComparer.Ordinal));
        var sleepGroup = carried.Single(g => PatientForm.Answer(g, "goal-id") == sleep.Id);
        sleepGroup.Item.Single(i => i.LinkId == "goal-text").Answer[0].Value = new FhirString("Sleep eight hours, also on weekends");
        var (review, secondResponse) = await second.SubmitAsync(second.Opened);

        Assert.DoesNotContain(sleep.Id!, review, StringComparison.Ordinal); // the hidden id is not shown to the patient
        var after = await FhirApi.SearchAsync<Goal>(api, "Goal?patient=Patient/grace-williams");
        Assert.Equal(goals.Select(g => g.Id).Order(StringComparer.Ordinal), after.Select(g => g.Id).Order(StringComparer.Ordinal));
        var edited = after.Single(g => g.Id == sleep.Id);
        Assert.Equal("Sleep eight hours, also on weekends", edited.Description.Text);
        Assert.Equal("2", edited.Meta.VersionId);
        var history = await FhirJson.ReadAsync<Bundle>(await api.GetAsync($"Goal/{sleep.Id}/_history"));
        Assert.Equal(2, history.Entry.Count);
        var sent = await FhirJson.ReadAsync<QuestionnaireResponse>(await api.GetAsync($"QuestionnaireResponse/{secondResponse}"));
        Assert.Equal($"QuestionnaireResponse/{firstResponse}", ((ResourceReference)sent.GetExtension(CarriedForwardFrom).Value).Reference);

        // The server said it pre-filled the form from the last submission, in ids and codes; the patient's words are in no log.
        var logs = fixture.Logs.GetSnapshot();
        Assert.Contains(logs, l => l.Id.Id == 6050 && l.Message.Contains("carried forward True", StringComparison.Ordinal));
        Assert.DoesNotContain(logs, l => l.Message.Contains("Sleep eight hours", StringComparison.Ordinal) || l.Message.Contains("dance club", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_carried_goal_the_patient_removes_on_the_page_is_cancelled_and_the_kept_one_updated()
    {
        using var api = FhirApi.Client(fixture);
        using var browser = await PatientBrowser.SignInAsync(fixture, "ahmed-hassan", "ahmed-hassan");
        await (await new PatientForm(browser, "my-goals").OpenAsync())
            .SubmitAsync(PatientForm.Goals(("Fast safely during Ramadan", null), ("Check my feet every evening", null)));

        var second = await new PatientForm(browser, "my-goals").OpenAsync();
        second.Opened.Item.RemoveAll(g => g.LinkId == "goal" && PatientForm.Answer(g, "goal-text") == "Check my feet every evening");
        await second.SubmitAsync(second.Opened);

        var goals = await FhirApi.SearchAsync<Goal>(api, "Goal?patient=Patient/ahmed-hassan");
        Assert.Equal(2, goals.Count);
        var feet = goals.Single(g => g.Description.Text == "Check my feet every evening");
        Assert.Equal(Goal.GoalLifecycleStatus.Cancelled, feet.LifecycleStatus);
        Assert.Equal("2", feet.Meta.VersionId);
        var fasting = goals.Single(g => g.Description.Text == "Fast safely during Ramadan");
        Assert.Equal(Goal.GoalLifecycleStatus.Proposed, fasting.LifecycleStatus);
        Assert.Equal("2", fasting.Meta.VersionId);

        // Cancelled goals are not carried into the next visit.
        var third = await new PatientForm(browser, "my-goals").OpenAsync();
        Assert.Equal([fasting.Id], third.Opened.Item.Where(i => i.LinkId == "goal").Select(g => PatientForm.Answer(g, "goal-id")));
    }

    [Fact]
    public async Task A_draft_naming_another_patients_goal_is_refused_and_nothing_is_stored()
    {
        using var api = FhirApi.Client(fixture);
        using var owner = await PatientBrowser.SignInAsync(fixture, "linda-johnson", "linda-johnson");
        await (await new PatientForm(owner, "my-goals").OpenAsync()).SubmitAsync(PatientForm.Goals(("Have a good day once a week", null)));
        var theirs = Assert.Single(await FhirApi.SearchAsync<Goal>(api, "Goal?patient=Patient/linda-johnson"));
        using var intruder = await PatientBrowser.SignInAsync(fixture, "thomas-mueller", "thomas-mueller");
        await (await new PatientForm(intruder, "my-goals").OpenAsync()).SubmitAsync(PatientForm.Goals(("Keep my licence", null)));
        var responsesBefore = await FhirApi.SearchAsync<QuestionnaireResponse>(api, "QuestionnaireResponse?subject=Patient/thomas-mueller");

        // A form carried forward from his own response, with his goal's id swapped for hers; and a fresh form naming hers.
        var carried = await new PatientForm(intruder, "my-goals").OpenAsync();
        carried.Opened.Item.Single(i => i.LinkId == "goal").Item.Single(i => i.LinkId == "goal-id").Answer[0].Value = new FhirString(theirs.Id);
        using var swapped = await carried.SaveAsync(carried.Opened);
        var fresh = await new PatientForm(intruder, "my-goals").OpenAsync();
        using var named = await fresh.SaveAsync(PatientForm.Goals(("Take over her goal", theirs.Id)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, swapped.StatusCode);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, named.StatusCode);
        Assert.Equal(responsesBefore.Count, (await FhirApi.SearchAsync<QuestionnaireResponse>(api, "QuestionnaireResponse?subject=Patient/thomas-mueller")).Count);
        var hers = await FhirJson.ReadAsync<Goal>(await api.GetAsync($"Goal/{theirs.Id}"));
        Assert.Equal("1", hers.Meta.VersionId);
        Assert.Equal("Have a good day once a week", hers.Description.Text);
    }

    [Fact]
    public async Task A_carried_goal_marked_achieved_on_my_goals_while_the_form_is_open_stays_achieved_and_the_form_still_sends()
    {
        using var api = FhirApi.Client(fixture);
        using var browser = await PatientBrowser.SignInAsync(fixture, "maria-garcia", "maria-garcia");
        await (await new PatientForm(browser, "my-goals").OpenAsync()).SubmitAsync(PatientForm.Goals(("Cook dinner without checking my sugar twice", null)));
        var goal = Assert.Single(await FhirApi.SearchAsync<Goal>(api, "Goal?patient=Patient/maria-garcia"));
        var open = await new PatientForm(browser, "my-goals").OpenAsync();

        using (var achieved = await browser.PostFormAsync($"/patient/goals/{goal.Id}", new Dictionary<string, string> { ["version"] = goal.Meta.VersionId!, ["change"] = "Achieved" }))
        {
            Assert.Equal(HttpStatusCode.Redirect, achieved.StatusCode);
        }

        await open.SubmitAsync(open.Opened);

        var goals = await FhirApi.SearchAsync<Goal>(api, "Goal?patient=Patient/maria-garcia");
        Assert.Equal(2, goals.Count);
        Assert.Equal(Goal.GoalLifecycleStatus.Completed, goals.Single(g => g.Id == goal.Id).LifecycleStatus);
        Assert.Equal(Goal.GoalLifecycleStatus.Proposed, goals.Single(g => g.Id != goal.Id).LifecycleStatus);
    }

    [Fact]
    public async Task A_tampered_start_carries_nothing_so_the_goal_ids_are_refused_and_a_saved_draft_then_wins_over_populate()
    {
        using var api = FhirApi.Client(fixture);
        using var browser = await PatientBrowser.SignInAsync(fixture, "rosa-hernandez", "rosa-hernandez");
        var (_, firstResponse) = await (await new PatientForm(browser, "my-goals").OpenAsync())
            .SubmitAsync(PatientForm.Goals(("Stay out of hospital this winter", null)));
        var goal = Assert.Single(await FhirApi.SearchAsync<Goal>(api, "Goal?patient=Patient/rosa-hernandez"));

        var second = await new PatientForm(browser, "my-goals").OpenAsync();
        var sealedStart = second.Start;
        second.Start = sealedStart![..^4] + "AAAA";
        using (var tampered = await second.SaveAsync(second.Opened))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, tampered.StatusCode);
        }

        second.Start = sealedStart;
        second.Opened.Item.Add(PatientForm.GoalGroup("Talk to my son about my wishes", null));
        using (var saved = await second.SaveAsync(second.Opened))
        {
            Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        }

        var reopened = await new PatientForm(browser, "my-goals").OpenAsync();
        Assert.Equal(second.DraftId, reopened.DraftId);
        Assert.Null(reopened.Start);
        Assert.Equal(["Stay out of hospital this winter", "Talk to my son about my wishes"], reopened.Opened.Item.Select(g => PatientForm.Answer(g, "goal-text")));
        Assert.Equal([goal.Id, null], reopened.Opened.Item.Select(g => PatientForm.Answer(g, "goal-id")));
        var draft = await FhirJson.ReadAsync<QuestionnaireResponse>(await api.GetAsync($"QuestionnaireResponse/{second.DraftId}"));
        Assert.Equal($"QuestionnaireResponse/{firstResponse}", ((ResourceReference)draft.GetExtension(CarriedForwardFrom).Value).Reference);
    }

    [Fact]
    public async Task Preferences_updated_through_the_form_show_the_newest_submission_with_the_earlier_words_kept_as_history()
    {
        using var api = FhirApi.Client(fixture);
        using var browser = await PatientBrowser.SignInAsync(fixture, "james-okafor", "james-okafor");
        await (await new PatientForm(browser, "my-care-preferences").OpenAsync())
            .SubmitAsync(Preferences(("language", "Plain English, no jargon"), ("contact", "A phone call in the afternoon")));

        var second = await new PatientForm(browser, "my-care-preferences").OpenAsync();
        Assert.Equal("A phone call in the afternoon", second.Opened.Item.Single(i => i.LinkId == "contact").Answer.Single().Value.ToString());
        second.Opened.Item.RemoveAll(i => i.LinkId == "language");
        second.Opened.Item.Single(i => i.LinkId == "contact").Answer[0].Value = new FhirString("A text message, any time");
        await second.SubmitAsync(second.Opened);

        using var page = await browser.Browser.GetAsync(new Uri(fixture.AppUrl, "/patient/preferences").AbsoluteUri);
        var html = System.Net.WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync());
        Assert.Contains("A text message, any time", html, StringComparison.Ordinal);
        Assert.Contains("What you said before", html, StringComparison.Ordinal);
        Assert.Contains("A phone call in the afternoon", html, StringComparison.Ordinal);
        Assert.DoesNotContain("Plain English, no jargon", html, StringComparison.Ordinal); // cleared: no longer current
        // Nothing is overwritten: the earlier statements stay final beside the new one.
        var observations = await FhirApi.SearchAsync<Observation>(api, "Observation?subject=Patient/james-okafor&_count=100");
        Assert.Equal(3, observations.Count);
        Assert.All(observations, o => Assert.Equal(ObservationStatus.Final, o.Status));
    }

    [Fact]
    public async Task A_form_a_family_member_sent_opens_for_the_patient_with_their_words_carried_and_the_patient_as_the_one_filling_it_in()
    {
        using var daughter = await PatientBrowser.SignInAsync(fixture, "rosa-hernandez", "miguel-hernandez");
        var first = await new PatientForm(daughter, "before-your-visit").OpenAsync();
        Assert.Equal("family-or-friend", Respondent(first.Opened));
        first.Opened.Item.Add(new() { LinkId = "visit-worries", Answer = [new() { Value = new FhirString("She gets breathless at night") }] });
        await first.SubmitAsync(first.Opened);

        using var patient = await PatientBrowser.SignInAsync(fixture, "rosa-hernandez", "rosa-hernandez");
        var second = await new PatientForm(patient, "before-your-visit").OpenAsync();

        Assert.Equal("self", Respondent(second.Opened));
        Assert.Equal("She gets breathless at night", second.Opened.Item.Single(i => i.LinkId == "visit-worries").Answer.Single().Value.ToString());
    }

    private static string? Respondent(QuestionnaireResponse response)
        => (response.Item.SingleOrDefault(i => i.LinkId == "respondent")?.Answer.Single().Value as Coding)?.Code;

    private static QuestionnaireResponse Preferences(params (string LinkId, string Words)[] answers) => new()
    {
        Questionnaire = "http://patientvoice.example.org/fhir/Questionnaire/my-care-preferences|0.1.0",
        Item = answers.Select(a => new QuestionnaireResponse.ItemComponent { LinkId = a.LinkId, Answer = [new() { Value = new FhirString(a.Words) }] }).ToList(),
    };

    private async Task<string> StoreSharedAsync(string file)
    {
        using var api = FhirApi.Client(fixture);
        var json = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.SharedConformance, "lforms", file));
        using var created = await api.PostAsync("Questionnaire", FhirJson.Content(json));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return (await FhirJson.ReadAsync<Questionnaire>(created)).Id!;
    }
}
