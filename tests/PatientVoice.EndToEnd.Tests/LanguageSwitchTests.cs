using Microsoft.Playwright;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>A patient can switch language in the middle of a questionnaire and keeps every word they typed.</summary>
[Collection(PortalCollection.Name)]
public sealed class LanguageSwitchTests(PortalFixture fixture)
{
    private const string GoodVisitEn = "What helps a visit go well for you?";
    private const string GoodVisitEs = "¿Qué le ayuda a que una visita salga bien?";

    [Fact]
    public async Task Switching_to_spanish_and_back_in_the_middle_of_a_questionnaire_keeps_the_answers_typed_a_moment_before()
    {
        var page = await fixture.SharedPatientPageAsync();
        await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/questionnaire/my-care-preferences").AbsoluteUri);
        await fixture.FormReadyAsync(page);
        var words = "A quiet room and time to ask my questions " + Guid.NewGuid().ToString("N")[..6];
        await page.GetByLabel(GoodVisitEn).FillAsync(words);

        // At once, before the periodic autosave: the switch itself must store the answers.
        await page.ClickAsync("#pv-language");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "es");
        Assert.EndsWith("/patient/questionnaire/my-care-preferences", page.Url, StringComparison.Ordinal);
        await fixture.FormReadyAsync(page);
        await Assertions.Expect(page.GetByLabel(GoodVisitEs)).ToHaveValueAsync(words);
        await Assertions.Expect(page.Locator("#pv-language")).ToHaveTextAsync("English");

        await page.ClickAsync("#pv-language");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");
        await fixture.FormReadyAsync(page);
        await Assertions.Expect(page.GetByLabel(GoodVisitEn)).ToHaveValueAsync(words);
    }
}
