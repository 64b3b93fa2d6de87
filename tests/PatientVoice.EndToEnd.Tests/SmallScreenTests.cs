using Microsoft.Playwright;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>WCAG 1.4.10 reflow: at 320 CSS px wide nothing needs scrolling sideways.</summary>
[Collection(PortalCollection.Name)]
public sealed class SmallScreenTests(PortalFixture fixture)
{
    // What sticks out to the right of the viewport, to say in a failure.
    private const string Overflow = """
        () => {
          const width = document.documentElement.clientWidth;
          const wide = [...document.querySelectorAll('body *')]
            .filter(e => e.getBoundingClientRect().right > width + 0.5)
            .slice(0, 5)
            .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : '') + ' right=' + Math.round(e.getBoundingClientRect().right));
          return { scrollWidth: document.documentElement.scrollWidth, width, wide };
        }
        """;

    [Fact]
    public async Task At_320_pixels_wide_the_home_page_and_the_questionnaire_need_no_horizontal_scrolling()
    {
        var page = await fixture.SharedPatientPageAsync();
        await page.SetViewportSizeAsync(320, 640);

        await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient").AbsoluteUri);
        await AssertNoSidewaysScrollingAsync(page, "home");

        await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/questionnaire/before-your-visit").AbsoluteUri);
        await fixture.FormReadyAsync(page);
        await AssertNoSidewaysScrollingAsync(page, "questionnaire");
    }

    private static async Task AssertNoSidewaysScrollingAsync(IPage page, string name)
    {
        var layout = await page.EvaluateAsync<Layout>(Overflow);
        Assert.True(layout.ScrollWidth <= layout.Width,
            $"{name}: the page is {layout.ScrollWidth} px wide in a {layout.Width} px viewport; sticking out: {string.Join(", ", layout.Wide)}");
    }

    private sealed class Layout
    {
        public int ScrollWidth { get; set; }

        public int Width { get; set; }

        public string[] Wide { get; set; } = [];
    }
}
