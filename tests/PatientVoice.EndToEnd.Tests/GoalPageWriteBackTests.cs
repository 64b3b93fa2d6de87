using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;
using PatientVoice.Testing.Portal;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>
/// A goal the patient adds and then marks achieved on My goals (not through a questionnaire) reaches the sandbox EHR
/// like a submission: each version, with its Provenance, written back by the outbox worker, the second version onto
/// the same EHR Goal as the first.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class GoalPageWriteBackTests(PortalFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_goal_added_and_marked_achieved_on_my_goals_reaches_the_ehr_as_one_goal_updated_with_each_change_and_its_provenance()
    {
        var words = "Dance at my niece's wedding " + Guid.NewGuid().ToString("N")[..6];
        var page = await fixture.LaunchAsync("grace-williams", "grace-williams");
        try
        {
            await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/goals").AbsoluteUri);
            await page.FillAsync("#Description", words);
            await page.ClickAsync("#pv-add-goal");
            await page.ArriveAsync("**/patient/goals?added=*");
            var goal = (await SearchAsync("Goal?subject=Patient/grace-williams")).Single(g => g.GetProperty("description").GetProperty("text").GetString() == words);
            var id = goal.GetProperty("id").GetString()!;

            var added = await WaitUntilDeliveredAsync($"ehrsync-goal-{id}-1");

            await page.GotoAsync(new Uri(fixture.Stack.AppUrl, $"/patient/goals/{id}").AbsoluteUri);
            await page.ClickAsync("#pv-goal-achieved");
            await page.ArriveAsync($"**/patient/goals/{id}");
            var achieved = await WaitUntilDeliveredAsync($"ehrsync-goal-{id}-2");

            Assert.Equal($"Goal/{id}", added.GetProperty("focus").GetProperty("reference").GetString());
            var addedGoal = Output(added, $"Goal/{id}");
            var achievedGoal = Output(achieved, $"Goal/{id}");
            Assert.StartsWith(fixture.Stack.FhirBase + "/Goal/", addedGoal, StringComparison.Ordinal);
            Assert.Equal(addedGoal, achievedGoal);
            Assert.All([added, achieved], task => Assert.Contains(task.GetProperty("output").EnumerateArray(), o =>
                o.GetProperty("type").GetProperty("text").GetString()!.StartsWith("Provenance/", StringComparison.Ordinal)
                && o.GetProperty("type").GetProperty("coding")[0].GetProperty("code").GetString() == "delivered"));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    // The EHR's reference to what became of one of our resources, from the write-back Task's outputs.
    private static string Output(JsonElement task, string local)
    {
        var output = task.GetProperty("output").EnumerateArray().Single(o => o.GetProperty("type").GetProperty("text").GetString() == local);
        Assert.Equal("delivered", output.GetProperty("type").GetProperty("coding")[0].GetProperty("code").GetString());
        return output.GetProperty("valueReference").GetProperty("reference").GetString()!;
    }

    private async Task<JsonElement> WaitUntilDeliveredAsync(string taskId)
    {
        using var client = Client();
        var until = DateTimeOffset.UtcNow + Patience;
        var last = "not written yet";
        while (DateTimeOffset.UtcNow < until)
        {
            using var response = await client.GetAsync($"Task/{taskId}");
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var task = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                last = task.RootElement.GetProperty("businessStatus").GetProperty("coding")[0].GetProperty("code").GetString()!;
                if (last == "delivered")
                {
                    return task.RootElement.Clone();
                }

                Assert.NotEqual("failed", last);
            }

            await Task.Delay(500);
        }

        throw new TimeoutException($"Task/{taskId} was not delivered within {Patience}; last status: {last}.");
    }

    private async Task<IReadOnlyList<JsonElement>> SearchAsync(string query)
    {
        using var client = Client();
        using var response = await client.GetAsync(query + "&_count=100");
        response.EnsureSuccessStatusCode();
        using var bundle = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return bundle.RootElement.TryGetProperty("entry", out var entries)
            ? entries.EnumerateArray().Select(e => e.GetProperty("resource").Clone()).ToList()
            : [];
    }

    private HttpClient Client()
    {
        var client = fixture.Stack.FhirClient();
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        return client;
    }
}
