using Microsoft.Playwright;
using PatientVoice.Testing.Portal;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>
/// WCAG 1.4.4 and 1.4.10 at 200 % zoom: a 1280 × 800 screen zoomed to 200 % is a 640 × 400 CSS-pixel viewport with two
/// device pixels per CSS pixel. Every patient page, the LHC-Forms questionnaires included, fits without sideways
/// scrolling and with every control whole.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class ZoomTests(PortalFixture fixture)
{
    [Fact]
    public async Task At_200_percent_zoom_every_patient_page_fits_without_sideways_scrolling_or_cut_off_controls()
    {
        // Miguel Hernández fills in for his mother, whose record prefers Spanish: the longer words and the family label.
        var page = await fixture.LaunchAsync("rosa-hernandez", "miguel-hernandez", width: 640, height: 400, scale: 2);
        try
        {
            Assert.Equal(2, await page.EvaluateAsync<double>("() => window.devicePixelRatio"));
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "es");
            await Reflow.AssertFitsAsync(page, "home");

            foreach (var questionnaire in new[] { "before-your-visit", "my-care-preferences", "what-i-know-about-my-condition" })
            {
                await page.GotoAsync(Url("/patient/questionnaire/" + questionnaire));
                await fixture.FormReadyAsync(page);
                await Reflow.AssertFitsAsync(page, questionnaire);
            }

            await page.GotoAsync(Url("/patient/questionnaire/my-goals"));
            await fixture.FormReadyAsync(page);
            var goal = "Volver a cocinar para mi familia los domingos " + Guid.NewGuid().ToString("N")[..6];
            await page.GetByLabel("¿Cuál es su meta? Use sus propias palabras.").First.FillAsync(goal);
            await Assertions.Expect(page.Locator("#pv-save-state")).ToContainTextAsync("Guardado", new() { Timeout = 15_000 });
            await Reflow.AssertFitsAsync(page, "my-goals with an answer");

            await page.ClickAsync("#pv-review");
            await page.ArriveAsync("**/review");
            await Reflow.AssertFitsAsync(page, "review");
            await fixture.SendAsync(page);
            await Reflow.AssertFitsAsync(page, "sent");

            await page.GotoAsync(Url("/patient/goals"));
            await Reflow.AssertFitsAsync(page, "goals");
            await page.Locator("#pv-goals li").Filter(new() { HasText = goal }).GetByRole(AriaRole.Link).ClickAsync();
            await page.ArriveAsync("**/patient/goals/*");
            await Reflow.AssertFitsAsync(page, "goal");

            foreach (var path in new[] { "/patient", "/patient/preferences", "/patient/conditions", "/patient/my-copy", "/patient/error?reason=not-found" })
            {
                await page.GotoAsync(Url(path));
                await Reflow.AssertFitsAsync(page, path);
            }

            // And in English.
            await page.GotoAsync(Url("/patient/language?culture=en&returnUrl=%2Fpatient"));
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
            await Reflow.AssertFitsAsync(page, "home in English");
            await page.GotoAsync(Url("/patient/questionnaire/before-your-visit"));
            await fixture.FormReadyAsync(page);
            await Reflow.AssertFitsAsync(page, "before-your-visit in English");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private string Url(string path) => new Uri(fixture.Stack.AppUrl, path).AbsoluteUri;
}
