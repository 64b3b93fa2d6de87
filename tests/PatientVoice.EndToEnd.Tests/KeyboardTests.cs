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

        await TabToAsync(page, "pv-language");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "es");
        await TabToAsync(page, "pv-language");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "en");

        await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/goals").AbsoluteUri);
        var goal = "Cook dinner for my family on Sundays " + Guid.NewGuid().ToString("N")[..6];
        await TabToAsync(page, "Description");
        await page.Keyboard.TypeAsync(goal);
        await TabToAsync(page, "pv-add-goal");
        await page.Keyboard.PressAsync("Enter");

        await Assertions.Expect(page.Locator("main .notice")).ToHaveTextAsync("Your goal was added.");
        await Assertions.Expect(page.Locator("#pv-goals")).ToContainTextAsync(goal);
    }

    /// <summary>Presses Tab until the element with <paramref name="id"/> has the focus, checking each stop shows it.</summary>
    private static async Task TabToAsync(IPage page, string id)
    {
        var stops = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focus = await page.EvaluateAsync<Focus>("""
                () => {
                  const e = document.activeElement;
                  const s = getComputedStyle(e);
                  const outline = s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0;
                  return { id: e.id || '', name: e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + (e.textContent || '').trim().slice(0, 30), visible: outline || s.boxShadow !== 'none' };
                }
                """);
            stops.Add(focus.Name);
            Assert.True(focus.Visible, $"No visible focus indicator on {focus.Name}");
            if (focus.Id == id)
            {
                return;
            }
        }

        Assert.Fail($"Tab never reached #{id}; it went: {string.Join(" → ", stops)}");
    }

    private sealed class Focus
    {
        public string Id { get; set; } = "";

        public string Name { get; set; } = "";

        public bool Visible { get; set; }
    }
}
