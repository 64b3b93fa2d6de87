using Microsoft.Playwright;
using PatientVoice.Testing.Portal;

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

    [Fact]
    public async Task A_real_sign_in_answer_replayed_in_another_browser_or_a_second_time_is_refused_with_the_error_page()
    {
        // Grace opens PatientVoice from the portal; the EHR's answer (code and state) is what an attacker would steal.
        var patient = await fixture.NewPageAsync();
        string? answer = null;
        patient.Request += (_, request) =>
        {
            if (request.Url.Contains("/signin-smart?", StringComparison.Ordinal))
            {
                answer = request.Url;
            }
        };
        var stranger = await fixture.NewPageAsync();
        try
        {
            var launch = await fixture.Stack.PortalLaunchUrlAsync("grace-williams", "grace-williams");
            await patient.GotoAsync(launch.AbsoluteUri);
            await patient.ArriveAsync("**/patient**");
            Assert.NotNull(answer);
            Assert.Contains("state=", answer, StringComparison.Ordinal);

            // Another browser never started this sign-in.
            var response = await stranger.GotoAsync(answer);
            Assert.Equal(400, response!.Status);
            await Assertions.Expect(stranger.Locator("h1")).ToHaveTextAsync("We could not confirm this sign-in");
            await stranger.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient").AbsoluteUri);
            Assert.EndsWith("/session/required", new Uri(stranger.Url).AbsolutePath, StringComparison.Ordinal);
            Assert.Equal(0, await stranger.Locator("#pv-who").CountAsync());

            // The browser that did start it can use the state once only.
            var again = await patient.GotoAsync(answer);
            Assert.Equal(400, again!.Status);
            await Assertions.Expect(patient.Locator("h1")).ToHaveTextAsync("We could not confirm this sign-in");
        }
        finally
        {
            await stranger.Context.CloseAsync();
            await patient.Context.CloseAsync();
        }
    }
}
