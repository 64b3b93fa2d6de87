using Microsoft.Playwright;
using PatientVoice.Testing.Portal;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>WCAG 2.2 AA (axe-core) on every patient page, walked in one launched session, and on the launch error page.</summary>
[Collection(PortalCollection.Name)]
public sealed class PatientPageAccessibilityTests(PortalFixture fixture)
{
    [Theory]
    [InlineData("en")]
    [InlineData("es")]
    public async Task Every_patient_page_and_the_launch_error_page_have_no_wcag_22_aa_violations_under_the_pages_content_security_policy(string language)
    {
        var page = await fixture.SharedPatientPageAsync();
        if (language != "en")
        {
            await page.GotoAsync(Url($"/patient/language?culture={language}&returnUrl=/patient"));
        }

        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
        var violations = new List<string>();
        violations.AddRange(await Axe.ViolationsAsync(page, $"home ({language})"));

        // The form with a yes/no question (radios) and a repeating question with its add and remove buttons.
        await page.GotoAsync(Url("/patient/questionnaire/before-your-visit"));
        await fixture.FormReadyAsync(page);
        var topics = page.Locator("#pv-form input[id^='visit-agenda/']");
        var before = await topics.CountAsync();
        await topics.Last.FillAsync("Sleep");
        await page.Locator("#pv-form button[id^='add-']").First.ClickAsync();
        await Assertions.Expect(topics).ToHaveCountAsync(before + 1);
        violations.AddRange(await Axe.ViolationsAsync(page, $"questionnaire with yes/no and repeats ({language})"));

        await page.GotoAsync(Url("/patient/questionnaire/my-goals"));
        await fixture.FormReadyAsync(page);
        var goal = "Walk to the park with my dog " + Guid.NewGuid().ToString("N")[..6];
        await page.Locator("#pv-form textarea[id^='goal-text/']").First.FillAsync(goal);
        await Assertions.Expect(page.Locator("#pv-save-state")).ToContainTextAsync(language == "es" ? "Guardado" : "Saved", new() { Timeout = 15_000 });
        violations.AddRange(await Axe.ViolationsAsync(page, $"questionnaire ({language})"));
        if (language == "en")
        {
            // The repeating question's add button says what it does, not the whole question again.
            await Assertions.Expect(page.GetByRole(AriaRole.Button, new() { Name = "+ Add another", Exact = true }).First).ToBeVisibleAsync();
        }

        await page.ClickAsync("#pv-review");
        await page.ArriveAsync("**/review");
        violations.AddRange(await Axe.ViolationsAsync(page, $"review ({language})"));

        await fixture.SendAsync(page);
        violations.AddRange(await Axe.ViolationsAsync(page, $"sent ({language})"));

        await page.GotoAsync(Url("/patient/goals"));
        await Assertions.Expect(page.Locator("#pv-goals")).ToContainTextAsync(goal);
        violations.AddRange(await Axe.ViolationsAsync(page, $"goals ({language})"));

        await page.Locator("#pv-goals li").Filter(new() { HasText = goal }).GetByRole(AriaRole.Link).ClickAsync();
        await page.ArriveAsync("**/patient/goals/*");
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync(goal);
        violations.AddRange(await Axe.ViolationsAsync(page, $"goal detail ({language})"));

        foreach (var (name, path) in new[] { ("preferences", "/patient/preferences"), ("conditions", "/patient/conditions"), ("my copy", "/patient/my-copy") })
        {
            var response = await page.GotoAsync(Url(path));
            Assert.Equal(200, response!.Status);
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);
            violations.AddRange(await Axe.ViolationsAsync(page, $"{name} ({language})"));
        }

        var stranger = await fixture.NewPageAsync(language == "es" ? "es-ES" : "en-US");
        await stranger.GotoAsync(Url("/signin-smart?code=abc&state=" + Guid.NewGuid().ToString("N")));
        await Assertions.Expect(stranger.Locator("html")).ToHaveAttributeAsync("lang", language);
        violations.AddRange(await Axe.ViolationsAsync(stranger, $"launch error ({language})"));
        await stranger.Context.CloseAsync();

        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }

    [Fact]
    public async Task The_error_pages_in_spanish_have_no_wcag_22_aa_violations()
    {
        var page = await fixture.NewPageAsync("es-ES");
        try
        {
            var violations = new List<string>();
            await page.GotoAsync(Url("/signin-smart?code=abc&state=" + Guid.NewGuid().ToString("N")));
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "es");
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("No pudimos confirmar este inicio de sesión");
            violations.AddRange(await Axe.ViolationsAsync(page, "launch error (es)"));

            foreach (var reason in new[] { "not-found", "no-patient", "unexpected" })
            {
                await page.GotoAsync(Url("/patient/error?reason=" + reason));
                await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "es");
                await Assertions.Expect(page.Locator("#pv-error")).ToBeVisibleAsync();
                violations.AddRange(await Axe.ViolationsAsync(page, $"patient error {reason} (es)"));
            }

            // A patient page without a session: the page that says to open PatientVoice from the portal.
            await page.GotoAsync(Url("/patient"));
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "es");
            violations.AddRange(await Axe.ViolationsAsync(page, "session required (es)"));

            Assert.True(violations.Count == 0, string.Join('\n', violations));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private string Url(string path) => new Uri(fixture.Stack.AppUrl, path).AbsoluteUri;
}
