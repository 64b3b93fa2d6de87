using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;
using PatientVoice.Testing;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>
/// The sandbox EHR as a subscriber to PatientVoice (Subscriptions R4 backport): it subscribes itself to the
/// "questionnaire completed" topic with a Backend Services token of its own, and a chart open in a clinician's browser
/// shows a questionnaire completed through PatientVoice's API — and the goals the write-back brings — without a reload.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class EhrChartSubscriberTests(PortalFixture fixture)
{
    private const string Patient = "maria-garcia";

    [Fact]
    public async Task An_open_chart_shows_a_questionnaire_completed_in_patientvoice_and_its_goals_without_a_reload()
    {
        using var fhir = fixture.Stack.FhirClient();
        var subscription = await ActiveEhrSubscriptionAsync(fhir);
        Assert.Equal("id-only", subscription.Content);

        var page = await fixture.NewPageAsync(width: 1280, height: 900);
        try
        {
            await page.GotoAsync(new Uri(fixture.Stack.EhrUrl, $"/chart/{Patient}").AbsoluteUri);
            await page.EvaluateAsync("() => { window.sameDocument = true; }");

            var words = "Cook paella for my grandchildren " + Guid.NewGuid().ToString("N")[..6];
            var response = await fhir.PostAsync("QuestionnaireResponse", new StringContent(CompletedGoals(words), Encoding.UTF8, "application/fhir+json"));
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            using var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var id = created.RootElement.GetProperty("id").GetString();

            var completed = page.Locator($"#patient-voice-current li[data-response='QuestionnaireResponse/{id}']");
            await Assertions.Expect(completed).ToContainTextAsync("My goals", new() { Timeout = 60_000 });
            await Assertions.Expect(page.Locator("#patient-voice-current")).ToContainTextAsync(words, new() { Timeout = 90_000 });
            await Assertions.Expect(page.Locator("#patient-voice-status")).ToContainTextAsync("Updated from PatientVoice");
            Assert.True(await page.EvaluateAsync<bool>("() => window.sameDocument === true"), "The chart reloaded instead of updating in place.");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    /// <summary>The EHR's subscription, once PatientVoice has handshaken it to active (the EHR subscribes when PatientVoice is ready).</summary>
    private async Task<(string Id, string Content)> ActiveEhrSubscriptionAsync(HttpClient fhir)
    {
        var endpoint = new Uri(fixture.Stack.EhrUrl, "/patientvoice/notifications").AbsoluteUri;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var bundle = JsonDocument.Parse(await fhir.GetStringAsync("Subscription?status=active"));
            var found = bundle.RootElement.TryGetProperty("entry", out var entries)
                ? entries.EnumerateArray().Select(e => e.GetProperty("resource")).FirstOrDefault(s => s.GetProperty("channel").GetProperty("endpoint").GetString() == endpoint)
                : default;
            if (found.ValueKind == JsonValueKind.Object)
            {
                var channel = found.GetProperty("channel");
                var content = channel.GetProperty("_payload").GetProperty("extension")[0].GetProperty("valueCode").GetString()!;
                Assert.DoesNotContain(channel.GetProperty("header").EnumerateArray(), h => !h.GetString()!.StartsWith("Authorization: Bearer ", StringComparison.Ordinal));
                return (found.GetProperty("id").GetString()!, content);
            }

            Assert.True(DateTime.UtcNow < deadline, $"The sandbox EHR did not subscribe to PatientVoice within 60 s (no active Subscription to {endpoint}). The sandbox said:\n{fixture.Stack.SandboxOutput}");
            await Task.Delay(500);
        }
    }

    private static string CompletedGoals(string words)
    {
        var response = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.CompletedResponses, "my-goals.json")))!.AsObject();
        response.Remove("id");
        response["subject"] = new JsonObject { ["reference"] = $"Patient/{Patient}" };
        response["author"] = new JsonObject { ["reference"] = $"Patient/{Patient}" };
        response["source"] = new JsonObject { ["reference"] = $"Patient/{Patient}" };
        response["authored"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture);
        response["item"]![0]!["item"]![0]!["answer"]![0]!["valueString"] = words;
        return response.ToJsonString();
    }
}
