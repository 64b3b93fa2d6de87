using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;
using PatientVoice.Testing.Portal;

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
            // "Would you like a family member … to be part of your care?": a radio group (the form's only one); arrows choose.
            await FocusWalk.TabToAsync(page, "#pv-form input.ant-radio-input");
            await ArrowToAsync(page, "Yes");
            await FocusWalk.TabToAsync(page, "#pv-form input[id^='involve-family-who/']");
            await page.Keyboard.TypeAsync("My sister Joan");
            await FocusWalk.TabToAsync(page, "#pv-form input[id^='decision-style/']");
            await PickFromListAsync(page, "Together with my clinician");
            await Assertions.Expect(page.Locator("#pv-save-state")).ToContainTextAsync("Saved", new() { Timeout = 15_000 });

            await FocusWalk.TabToAsync(page, "#pv-review");
            await page.Keyboard.PressAsync("Enter");
            await page.ArriveAsync("**/review");
            await Assertions.Expect(page.Locator("#pv-answers")).ToContainTextAsync(topic);
            await FocusWalk.TabToAsync(page, "#pv-send");
            await page.Keyboard.PressAsync("Enter");
            await page.ArriveAsync("**/sent**");
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

    // Moves through a radio group with the arrow keys until the radio labelled <paramref name="label"/> has the focus (and so is chosen).
    private static async Task ArrowToAsync(IPage page, string label)
    {
        var seen = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            var focused = await page.EvaluateAsync<string>("() => (document.activeElement.closest('label')?.innerText ?? '').trim()");
            seen.Add(focused);
            await FocusWalk.AssertVisibleAsync(page);
            if (focused == label)
            {
                if (!await page.EvaluateAsync<bool>("() => document.activeElement.checked"))
                {
                    await page.Keyboard.PressAsync("Space");
                }

                return;
            }

            await page.Keyboard.PressAsync("ArrowRight");
        }

        Assert.Fail($"The arrow keys never reached \"{label}\"; they went: {string.Join(" → ", seen)}");
    }

    // In an LHC-Forms answer list (an autocompleter): the down arrow walks the list, showing each answer in the field; Enter takes it.
    private static async Task PickFromListAsync(IPage page, string answer)
    {
        var seen = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            await page.Keyboard.PressAsync("ArrowDown");
            var value = await page.EvaluateAsync<string>("() => document.activeElement.value ?? ''");
            seen.Add(value);
            await FocusWalk.AssertVisibleAsync(page);
            if (value == answer)
            {
                await page.Keyboard.PressAsync("Enter");
                return;
            }
        }

        Assert.Fail($"The down arrow never showed \"{answer}\"; it showed: {string.Join(" → ", seen)}");
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
