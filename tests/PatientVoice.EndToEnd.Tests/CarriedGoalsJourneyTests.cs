using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;
using PatientVoice.Testing.Portal;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>Goals carried from one visit to the next through LHC-Forms keep their Goal (docs/adr/0008).</summary>
[Collection(PortalCollection.Name)]
public sealed class CarriedGoalsJourneyTests(PortalFixture fixture)
{
    private const string GoalLabel = "What is your goal? Use your own words.";

    [Fact]
    public async Task The_second_visit_opens_with_the_goals_of_the_first_and_an_edited_goal_is_the_same_goal_at_version_two()
    {
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var dance = "Go back to dance classes " + suffix;
        var rest = "Rest before I get exhausted " + suffix;
        var first = await fixture.LaunchAsync("aisha-bello", "aisha-bello");
        await OpenGoalsAsync(first);
        await first.GetByLabel(GoalLabel).Nth(0).FillAsync(dance);
        await first.Locator("#pv-form button[id^='add-goal']").ClickAsync();
        // The new goal's words are where the patient goes on typing.
        await Assertions.Expect(first.GetByLabel(GoalLabel).Nth(1)).ToBeFocusedAsync();
        await first.GetByLabel(GoalLabel).Nth(1).FillAsync(rest);
        await SendAsync(first);
        var before = await GoalsAsync();
        var danceGoal = before.Single(g => Words(g) == dance);

        // Next visit, a new launch: the form opens with both goals; the patient rewords one and sends it again.
        var second = await fixture.LaunchAsync("aisha-bello", "aisha-bello");
        await OpenGoalsAsync(second);
        await Assertions.Expect(second.GetByLabel(GoalLabel).Nth(0)).ToHaveValueAsync(dance);
        await Assertions.Expect(second.GetByLabel(GoalLabel).Nth(1)).ToHaveValueAsync(rest);
        var reworded = "Go back to dance classes twice a week " + suffix;
        await second.GetByLabel(GoalLabel).Nth(0).FillAsync(reworded);
        await SendAsync(second);

        var after = await GoalsAsync();
        Assert.Equal(before.Select(Id).Order(StringComparer.Ordinal), after.Select(Id).Order(StringComparer.Ordinal));
        var edited = after.Single(g => Id(g) == Id(danceGoal));
        Assert.Equal(reworded, Words(edited));
        Assert.Equal("2", edited.GetProperty("meta").GetProperty("versionId").GetString());
    }

    private async Task OpenGoalsAsync(IPage page)
    {
        await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/questionnaire/my-goals").AbsoluteUri);
        await fixture.FormReadyAsync(page);
    }

    private async Task SendAsync(IPage page)
    {
        await page.ClickAsync("#pv-review");
        await page.ArriveAsync("**/review");
        await fixture.SendAsync(page);
    }

    // The patient's goals through PatientVoice's FHIR API, as an integrator reads them.
    private async Task<IReadOnlyList<JsonElement>> GoalsAsync()
    {
        using var client = fixture.Stack.FhirClient();
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        using var response = await client.GetAsync("Goal?subject=Patient/aisha-bello&_count=100");
        response.EnsureSuccessStatusCode();
        using var bundle = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return bundle.RootElement.TryGetProperty("entry", out var entries)
            ? entries.EnumerateArray().Select(e => e.GetProperty("resource").Clone()).ToList()
            : [];
    }

    private static string Id(JsonElement goal) => goal.GetProperty("id").GetString()!;

    private static string? Words(JsonElement goal) => goal.GetProperty("description").GetProperty("text").GetString();
}
