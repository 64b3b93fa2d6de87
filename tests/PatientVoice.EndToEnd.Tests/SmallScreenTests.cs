namespace PatientVoice.EndToEnd.Tests;

/// <summary>WCAG 1.4.10 reflow: at 320 CSS px wide nothing needs scrolling sideways and no control is cut off.</summary>
[Collection(PortalCollection.Name)]
public sealed class SmallScreenTests(PortalFixture fixture)
{
    [Fact]
    public async Task At_320_pixels_wide_the_home_page_and_the_questionnaire_need_no_horizontal_scrolling()
    {
        var page = await fixture.SharedPatientPageAsync();
        await page.SetViewportSizeAsync(320, 640);

        await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient").AbsoluteUri);
        await Reflow.AssertFitsAsync(page, "home");

        await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/questionnaire/before-your-visit").AbsoluteUri);
        await fixture.FormReadyAsync(page);
        await Reflow.AssertFitsAsync(page, "questionnaire");
    }
}
