using Microsoft.Playwright;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>A sign-in that comes back with a state this browser never started gets a plain page in the person's language.</summary>
[Collection(PortalCollection.Name)]
public sealed class LaunchFailureTests(PortalFixture fixture)
{
    [Theory]
    [InlineData("en-US", "en", "We could not confirm this sign-in", "Please open PatientVoice again")]
    [InlineData("es-ES", "es", "No pudimos confirmar este inicio de sesión", "Vuelva a abrir PatientVoice")]
    public async Task A_launch_that_returns_with_a_bad_state_shows_the_error_page_in_the_browsers_language_without_a_stack_trace(
        string locale, string lang, string title, string whatToDo)
    {
        var page = await fixture.NewPageAsync(locale);
        try
        {
            var response = await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/signin-smart?code=stolen-code&state=" + Guid.NewGuid().ToString("N")).AbsoluteUri);

            Assert.Equal(400, response!.Status);
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", lang);
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(title);
            var text = await page.Locator("body").InnerTextAsync();
            Assert.Contains(whatToDo, text, StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", text, StringComparison.Ordinal);
            Assert.DoesNotContain(" at PatientVoice.", text, StringComparison.Ordinal);
            Assert.DoesNotContain(".cs:line", text, StringComparison.Ordinal);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
