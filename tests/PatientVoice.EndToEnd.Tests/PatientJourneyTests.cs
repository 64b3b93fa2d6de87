using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;
using PatientVoice.Testing.Portal;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>A patient (or a family member) opens PatientVoice from the portal, answers, and their words arrive as FHIR.</summary>
[Collection(PortalCollection.Name)]
public sealed class PatientJourneyTests(PortalFixture fixture)
{
    [Fact]
    public async Task A_patient_launched_from_the_portal_saves_a_draft_resumes_it_after_a_reload_and_submits_goals_expressed_by_themself()
    {
        var page = await fixture.LaunchAsync("james-okafor", "james-okafor");
        await Assertions.Expect(page.Locator("#pv-visit")).ToBeVisibleAsync();

        await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/questionnaire/my-goals").AbsoluteUri);
        await fixture.FormReadyAsync(page);
        var goal = "Sleep through the night without a seizure " + Guid.NewGuid().ToString("N")[..6];
        await page.GetByLabel("What is your goal? Use your own words.").First.FillAsync(goal);
        await Assertions.Expect(page.Locator("#pv-save-state")).ToContainTextAsync("Saved", new() { Timeout = 15_000 });

        await page.ReloadAsync();
        await fixture.FormReadyAsync(page);
        await Assertions.Expect(page.GetByLabel("What is your goal? Use your own words.").First).ToHaveValueAsync(goal);

        await page.ClickAsync("#pv-review");
        await page.ArriveAsync("**/review");
        await Assertions.Expect(page.Locator("#pv-answers")).ToContainTextAsync(goal);
        await fixture.SendAsync(page);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Your care team will see this before your visit");

        var goals = await SearchAsync("Goal?subject=Patient/james-okafor");
        var stored = goals.Single(g => g.GetProperty("description").GetProperty("text").GetString() == goal);
        Assert.Equal("Patient/james-okafor", stored.GetProperty("expressedBy").GetProperty("reference").GetString());
    }

    [Fact]
    public async Task A_free_text_answer_shows_several_lines_and_grows_with_what_the_patient_writes_so_nothing_is_cut_off()
    {
        var page = await fixture.LaunchAsync("grace-williams", "grace-williams");
        await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/questionnaire/my-goals").AbsoluteUri);
        await fixture.FormReadyAsync(page);
        var why = page.Locator("#pv-form textarea[id^='goal-why/']").First;
        var empty = (await why.BoundingBoxAsync())!.Height;

        await why.FillAsync(string.Join('\n', Enumerable.Repeat("My grandson visits on Sundays and I want to walk him to the park and back without resting on the bench.", 6)));

        Assert.True(empty >= 80, $"An empty free-text answer is {empty} px tall: one line.");
        var measured = await why.EvaluateAsync<double[]>("e => [e.getBoundingClientRect().height, e.scrollHeight, e.clientHeight]");
        var (height, scroll, client) = (measured[0], measured[1], measured[2]);
        Assert.True(height > empty, $"The answer did not grow ({empty} → {height} px).");
        Assert.True(scroll <= client + 1, $"The patient's words are cut off ({scroll} px of text in {client} px).");
    }

    [Theory]
    [InlineData("maria-garcia", "Yo")]
    [InlineData("lucia-garcia", "Un familiar o amigo, por mí")]
    public async Task Who_fills_in_the_form_is_pre_filled_on_a_spanish_page_as_on_an_english_one(string user, string expected)
    {
        var page = await fixture.LaunchAsync("maria-garcia", user);
        await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/questionnaire/before-your-visit").AbsoluteUri);
        await fixture.FormReadyAsync(page);

        // LHC-Forms shows a choice of more than a few options as a list field: its value is the option shown.
        await Assertions.Expect(page.Locator("#pv-form input[id^='respondent/']").First).ToHaveValueAsync(expected);
    }

    [Theory]
    [InlineData("before-your-visit")]
    [InlineData("my-goals")]
    [InlineData("my-care-preferences")]
    [InlineData("what-i-know-about-my-condition")]
    public async Task A_spanish_form_has_no_english_left_from_the_form_engine(string form)
    {
        var page = await fixture.LaunchAsync("maria-garcia", "maria-garcia");
        await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/questionnaire/" + form).AbsoluteUri);
        await fixture.FormReadyAsync(page);
        // A second answer to every repeating question, so the remove buttons (and their titles) are there too.
        var adds = page.Locator("#pv-form button[id^='add-']");
        for (var i = await adds.CountAsync() - 1; i >= 0; i--)
        {
            await adds.Nth(i).ClickAsync();
        }

        // What a person reads or hears in the form: its text, its placeholders and its titles.
        var shown = await page.EvaluateAsync<string>(
            "() => { const f = document.querySelector('#pv-form'); return [f.innerText, ...[...f.querySelectorAll('[placeholder],[title]')].map(e => (e.getAttribute('placeholder') || '') + ' ' + (e.getAttribute('title') || ''))].join('\\n'); }");

        foreach (var english in new[] { "Select one", "Type a value", "Type a number", "Not Answered", "Search for", "MM/DD/YYYY", "Instruction", "Add another", "add button for", "Remove this" })
        {
            Assert.DoesNotContain(english, shown, StringComparison.OrdinalIgnoreCase);
        }

        Assert.DoesNotMatch(@"\bYes\b", shown);
    }

    [Fact]
    public async Task A_spanish_speaking_patient_gets_the_pages_and_the_questionnaire_in_spanish_and_submits_goals()
    {
        // María García's preferred language in the EHR is Spanish; the browser says English.
        var page = await fixture.LaunchAsync("maria-garcia", "maria-garcia");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "es");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Antes de su visita");

        await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/questionnaire/my-goals").AbsoluteUri);
        await fixture.FormReadyAsync(page);
        var meta = "Caminar con mi nieta a la escuela " + Guid.NewGuid().ToString("N")[..6];
        await page.GetByLabel("¿Cuál es su meta? Use sus propias palabras.").First.FillAsync(meta);
        await Assertions.Expect(page.Locator("#pv-save-state")).ToContainTextAsync("Guardado", new() { Timeout = 15_000 });
        await page.ClickAsync("#pv-review");
        await page.ArriveAsync("**/review");
        await fixture.SendAsync(page);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Su equipo de atención verá esto antes de su visita");

        var goals = await SearchAsync("Goal?subject=Patient/maria-garcia");
        var stored = goals.Single(g => g.GetProperty("description").GetProperty("text").GetString() == meta);
        Assert.Equal("Patient/maria-garcia", stored.GetProperty("expressedBy").GetProperty("reference").GetString());
    }

    [Fact]
    public async Task A_family_member_is_labelled_as_such_and_recorded_as_the_author_of_what_they_submit()
    {
        var page = await fixture.LaunchAsync("maria-garcia", "lucia-garcia");
        await Assertions.Expect(page.Locator("#pv-who .family-label")).ToBeVisibleAsync();

        await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/questionnaire/before-your-visit").AbsoluteUri);
        await fixture.FormReadyAsync(page);
        await Assertions.Expect(page.Locator("#pv-who .family-label")).ToBeVisibleAsync();
        var topic = "Her sugar is high in the mornings " + Guid.NewGuid().ToString("N")[..6];
        await page.Locator("#pv-form textarea[id^='visit-hopes/']").FillAsync(topic);
        await Assertions.Expect(page.Locator("#pv-save-state")).Not.ToBeEmptyAsync(new() { Timeout = 15_000 });
        await page.ClickAsync("#pv-review");
        await page.ArriveAsync("**/review");
        await fixture.SendAsync(page);

        var responses = await SearchAsync("QuestionnaireResponse?subject=Patient/maria-garcia&status=completed");
        var response = responses.Single(r => r.GetRawText().Contains(topic, StringComparison.Ordinal));
        Assert.Equal("RelatedPerson/lucia-garcia", response.GetProperty("author").GetProperty("reference").GetString());
        var id = response.GetProperty("id").GetString();
        var provenance = Assert.Single(await SearchAsync($"Provenance?entity=QuestionnaireResponse/{id}"));
        Assert.Equal("RelatedPerson/lucia-garcia", provenance.GetProperty("agent")[0].GetProperty("who").GetProperty("reference").GetString());

        await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/my-copy").AbsoluteUri);
        await Assertions.Expect(page.Locator(".badge.family").First).ToBeVisibleAsync();
    }

    private async Task<IReadOnlyList<JsonElement>> SearchAsync(string query)
    {
        using var client = fixture.Stack.FhirClient();
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        using var response = await client.GetAsync(query + (query.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "_count=100");
        response.EnsureSuccessStatusCode();
        using var bundle = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return bundle.RootElement.TryGetProperty("entry", out var entries)
            ? entries.EnumerateArray().Select(e => e.GetProperty("resource").Clone()).ToList()
            : [];
    }
}
