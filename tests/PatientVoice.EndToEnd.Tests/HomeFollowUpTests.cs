using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using PatientVoice.Testing.Portal;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>
/// After the visit the patient's home page says what became of what they shared: their clinician read it, the topics
/// were talked about, and it reached their medical record (the real write-back to the sandbox EHR). axe WCAG 2.2 AA on it.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class HomeFollowUpTests(PortalFixture fixture)
{
    [Fact]
    public async Task The_home_page_says_who_read_the_answers_what_became_of_each_topic_and_that_they_reached_the_record_with_no_wcag_violations_in_spanish_and_english()
    {
        // Carlos Mendoza's record prefers Spanish; his clinician is Dr. Minh Nguyen.
        var topic = "Me cuesta dormir con la medicina nueva " + Guid.NewGuid().ToString("N")[..6];
        var responseId = await SubmitAsync("carlos-mendoza", topic);

        var clinician = await fixture.NewPageAsync(width: 1280, height: 900);
        try
        {
            var launch = await fixture.Stack.PortalLaunchUrlAsync("carlos-mendoza", "dr-nguyen");
            await clinician.GotoAsync(launch.AbsoluteUri.Replace("/launch?", "/launch/clinician?", StringComparison.Ordinal));
            await clinician.ArriveAsync("**/clinician");
            await clinician.GetByRole(AriaRole.Button, new() { Name = "I have read this" }).ClickAsync();
            await clinician.ArriveAsync("**/clinician?done=read");
            await clinician.Locator("#agenda button[value='addressed']").First.ClickAsync();
            await Assertions.Expect(clinician.Locator("#agenda .outcome").First).ToContainTextAsync("Talked about today");
        }
        finally
        {
            await clinician.Context.CloseAsync();
        }

        var page = await fixture.LaunchAsync("carlos-mendoza", "carlos-mendoza");
        try
        {
            var shared = page.Locator($"#pv-shared-{responseId}");
            // The outbox worker delivers in the background: the page says so once it has.
            await ReloadUntilAsync(page, shared, "En su historia clínica desde el ");
            await Assertions.Expect(shared.Locator(".pv-read")).ToContainTextAsync("Su equipo de atención ya leyó esto: Dr. Minh Nguyen lo leyó el ");
            await Assertions.Expect(shared.Locator(".pv-agenda li").First).ToContainTextAsync(topic);
            await Assertions.Expect(shared.Locator(".pv-agenda li").First).ToContainTextAsync("Se habló en su visita");
            await Assertions.Expect(shared.Locator(".pv-agenda li").Nth(1)).ToContainTextAsync("Todavía no hay novedades");
            var violations = new List<string>(await Axe.ViolationsAsync(page, "home with what became of it (es)"));

            await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/language?culture=en&returnUrl=%2Fpatient").AbsoluteUri);
            await Assertions.Expect(shared.Locator(".pv-read")).ToContainTextAsync("Your care team has read this: Dr. Minh Nguyen read it on ");
            await Assertions.Expect(shared.Locator(".pv-record")).ToContainTextAsync("In your medical record since ");
            await Assertions.Expect(shared.Locator(".pv-agenda li").First).ToContainTextAsync("Talked about at your visit");
            violations.AddRange(await Axe.ViolationsAsync(page, "home with what became of it (en)"));

            Assert.True(violations.Count == 0, string.Join('\n', violations));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static async Task ReloadUntilAsync(IPage page, ILocator shared, string words)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(500))
        {
            await page.ReloadAsync();
            var text = await shared.InnerTextAsync();
            if (text.Contains(words, StringComparison.Ordinal))
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The home page never said \"{words}\"; it says: {text}");
        }
    }

    // The pre-visit answers as the patient wrote them, sent through PatientVoice's FHIR API; the first topic is ours.
    private async Task<string> SubmitAsync(string patient, string firstTopic)
    {
        var json = File.ReadAllText(Path.Combine(PatientVoice.Testing.RepositoryPaths.CompletedResponses, "before-your-visit.json"))
            .Replace("\"id\": \"before-your-visit-completed\",", string.Empty, StringComparison.Ordinal)
            .Replace("Patient/example-patient", "Patient/" + patient, StringComparison.Ordinal)
            .Replace("RelatedPerson/example-daughter", "Patient/" + patient, StringComparison.Ordinal)
            .Replace("\"My new water pill makes me dizzy\"", JsonSerializer.Serialize(firstTopic), StringComparison.Ordinal)
            .Replace("\"code\": \"family-or-friend\"", "\"code\": \"self\"", StringComparison.Ordinal)
            .Replace("\"A family member or friend, for me\"", "\"Me\"", StringComparison.Ordinal);
        using var fhir = fixture.Stack.FhirClient();
        using var content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/fhir+json"));
        using var response = await fhir.PostAsync("QuestionnaireResponse", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var created = JsonDocument.Parse(body);
        return created.RootElement.GetProperty("id").GetString()!;
    }
}
