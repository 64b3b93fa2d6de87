using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>
/// Our pre-visit questionnaire completed inside LHC-Forms with the keyboard alone (Tab, typing, arrow keys, Space and
/// Enter), from the portal launch that names it to the confirmation, the focus visible at every stop.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class QuestionnaireKeyboardTests(PortalFixture fixture)
{
    private const string BeforeYourVisit = "http://patientvoice.example.org/fhir/Questionnaire/before-your-visit";

    [Fact]
    public async Task A_launch_naming_the_pre_visit_questionnaire_opens_it_and_the_patient_completes_and_sends_it_by_keyboard_alone_always_seeing_the_focus()
    {
        var page = await fixture.LaunchAsync("linda-johnson", "linda-johnson", fhirContext: BeforeYourVisit);
        try
        {
            // fhirContext named the questionnaire: the portal opens it, not the home page.
            Assert.Contains("/patient/questionnaire/", page.Url, StringComparison.Ordinal);
            await fixture.FormReadyAsync(page);
            await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("Before your visit");
            var topic = "My back pain wakes me at night " + Guid.NewGuid().ToString("N")[..6];

            await FocusWalk.TabToAsync(page, "#pv-form input[id^='visit-agenda/']");
            await page.Keyboard.TypeAsync(topic);
            await FocusWalk.TabToAsync(page, "#pv-form textarea[id^='visit-hopes/']");
            await page.Keyboard.TypeAsync("To sleep through the night");
            await FocusWalk.TabToAsync(page, "#pv-form [id^='involve-family/'][value='true'], #pv-form [id^='involve-family/'] input[value='true'], #pv-form input[id^='involve-family/']");
            await page.Keyboard.PressAsync("Space");
            await FocusWalk.AssertVisibleAsync(page);
            await FocusWalk.TabToAsync(page, "#pv-form input[id^='involve-family-who/']");
            await page.Keyboard.TypeAsync("My sister Joan");
            await FocusWalk.TabToAsync(page, "#pv-form input[id^='decision-style/']");
            await page.Keyboard.TypeAsync("Together");
            await page.Keyboard.PressAsync("ArrowDown");
            await page.Keyboard.PressAsync("Enter");
            await FocusWalk.AssertVisibleAsync(page);
            await Assertions.Expect(page.Locator("#pv-save-state")).ToContainTextAsync("Saved", new() { Timeout = 15_000 });

            await FocusWalk.TabToAsync(page, "#pv-review");
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForURLAsync("**/review");
            await Assertions.Expect(page.Locator("#pv-answers")).ToContainTextAsync(topic);
            await FocusWalk.TabToAsync(page, "#pv-send");
            await page.Keyboard.PressAsync("Enter");
            await page.WaitForURLAsync("**/sent**");
            await Assertions.Expect(page.Locator("main")).ToContainTextAsync("Your care team will see this before your visit");

            var response = (await SearchAsync("QuestionnaireResponse?subject=Patient/linda-johnson&status=completed"))
                .Single(r => r.GetRawText().Contains(topic, StringComparison.Ordinal));
            var answers = response.GetProperty("item").EnumerateArray().ToDictionary(i => i.GetProperty("linkId").GetString()!, i => i.GetProperty("answer")[0]);
            Assert.Equal(topic, answers["visit-agenda"].GetProperty("valueString").GetString());
            Assert.Equal("To sleep through the night", answers["visit-hopes"].GetProperty("valueString").GetString());
            Assert.True(answers["involve-family"].GetProperty("valueBoolean").GetBoolean());
            Assert.Equal("My sister Joan", answers["involve-family-who"].GetProperty("valueString").GetString());
            Assert.Equal("together", answers["decision-style"].GetProperty("valueCoding").GetProperty("code").GetString());
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private async Task<IReadOnlyList<JsonElement>> SearchAsync(string query)
    {
        using var client = fixture.Stack.FhirClient();
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        using var response = await client.GetAsync(query + "&_count=100");
        response.EnsureSuccessStatusCode();
        using var bundle = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return bundle.RootElement.TryGetProperty("entry", out var entries)
            ? entries.EnumerateArray().Select(e => e.GetProperty("resource").Clone()).ToList()
            : [];
    }
}
