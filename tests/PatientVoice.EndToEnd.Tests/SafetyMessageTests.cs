using Microsoft.Playwright;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>Words that suggest danger, typed in the questionnaire, bring up the "get help now" message at once.</summary>
[Collection(PortalCollection.Name)]
public sealed class SafetyMessageTests(PortalFixture fixture)
{
    [Theory]
    [InlineData("en", "before-your-visit", "Lately I get chest pain when I climb the stairs", "If you need help now")]
    [InlineData("es", "my-goals", "A veces siento dolor en el pecho al caminar", "Si necesita ayuda ahora")]
    public async Task Typing_words_that_suggest_danger_shows_the_help_message_at_once(string language, string questionnaire, string words, string title)
    {
        var page = await fixture.SharedPatientPageAsync();
        var path = $"/patient/questionnaire/{questionnaire}";
        await page.GotoAsync(new Uri(fixture.Stack.AppUrl, $"/patient/language?culture={language}&returnUrl={Uri.EscapeDataString(path)}").AbsoluteUri);
        await fixture.FormReadyAsync(page);
        var help = page.Locator("#pv-safety");
        await Assertions.Expect(help).ToBeHiddenAsync();

        // "At once" means from the page itself, as the words are typed, never after an answer from the server: from here
        // on every request the page makes is refused. (Not a time limit: a loaded machine may take a moment to draw it.)
        await page.RouteAsync("**/*", route => route.AbortAsync());
        try
        {
            var field = page.Locator("#pv-form textarea").First;
            await field.FocusAsync();
            await page.Keyboard.TypeAsync(words);

            await Assertions.Expect(help).ToBeVisibleAsync();
            await Assertions.Expect(help.Locator("h2")).ToHaveTextAsync(title);
            await Assertions.Expect(help).ToHaveAttributeAsync("role", "alert");
        }
        finally
        {
            await page.UnrouteAllAsync(new() { Behavior = UnrouteBehavior.IgnoreErrors });
        }
    }
}
