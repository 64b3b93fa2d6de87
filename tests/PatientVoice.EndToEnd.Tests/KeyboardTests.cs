using Microsoft.Playwright;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>Everything by keyboard alone (Tab and Enter), with the focus always visible.</summary>
[Collection(PortalCollection.Name)]
public sealed class KeyboardTests(PortalFixture fixture)
{
    [Fact]
    public async Task With_tab_and_enter_alone_a_patient_switches_language_and_adds_a_goal_and_always_sees_where_the_focus_is()
    {
        var page = await fixture.SharedPatientPageAsync();

        await FocusWalk.TabToAsync(page, "#pv-language");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "es");
        await FocusWalk.TabToAsync(page, "#pv-language");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");

        await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/goals").AbsoluteUri);
        var goal = "Cook dinner for my family on Sundays " + Guid.NewGuid().ToString("N")[..6];
        await FocusWalk.TabToAsync(page, "#Description");
        await page.Keyboard.TypeAsync(goal);
        await FocusWalk.TabToAsync(page, "#pv-add-goal");
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.Locator("main .notice")).ToHaveTextAsync("Your goal was added.");
        await Assertions.Expect(page.Locator("#pv-goals")).ToContainTextAsync(goal);
    }
}
