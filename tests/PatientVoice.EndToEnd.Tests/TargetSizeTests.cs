using System.Text.Json;
using Microsoft.Playwright;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>WCAG 2.2 target size (2.5.8): LHC-Forms' radios and remove buttons are at least 24 by 24 CSS px on a 320 px wide phone.</summary>
[Collection(PortalCollection.Name)]
public sealed class TargetSizeTests(PortalFixture fixture)
{
    private const int Minimum = 24;

    [Fact]
    public async Task At_320_pixels_wide_the_questionnaires_radios_and_remove_buttons_are_at_least_24_by_24_pixels()
    {
        var page = await fixture.SharedPatientPageAsync();
        await page.SetViewportSizeAsync(320, 640);
        await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/questionnaire/before-your-visit").AbsoluteUri);
        await fixture.FormReadyAsync(page);

        // A second topic, so that each topic has its remove button.
        var topics = page.Locator("#pv-form input[id^='visit-agenda/']");
        var before = await topics.CountAsync();
        await topics.Last.FillAsync("Sleep");
        await page.Locator("#pv-form button[id^='add-']").First.ClickAsync();
        await Assertions.Expect(topics).ToHaveCountAsync(before + 1);

        var targets = await page.EvaluateAsync<JsonElement>("""
            () => [...document.querySelectorAll('#pv-form input[type=radio], #pv-form input[type=checkbox], #pv-form button[id^="del-"]')]
              .map(e => { const r = e.getBoundingClientRect(); return { what: e.tagName.toLowerCase() + '#' + e.id, width: r.width, height: r.height }; })
            """);
        var all = targets.EnumerateArray().Select(t => (What: t.GetProperty("what").GetString()!, Width: t.GetProperty("width").GetDouble(), Height: t.GetProperty("height").GetDouble())).ToList();
        Assert.True(all.Count(t => t.What.StartsWith("input", StringComparison.Ordinal)) >= 3, "Expected the yes/no question's radios: " + string.Join(", ", all.Select(t => t.What)));
        Assert.True(all.Count(t => t.What.StartsWith("button#del-", StringComparison.Ordinal)) >= 2, "Expected a remove button per topic: " + string.Join(", ", all.Select(t => t.What)));
        var small = all.Where(t => t.Width < Minimum - 0.01 || t.Height < Minimum - 0.01).Select(t => $"{t.What} is {t.Width:0.#}×{t.Height:0.#}").ToList();
        Assert.True(small.Count == 0, "Targets under 24×24 CSS px: " + string.Join("; ", small));
    }
}
