using Microsoft.Playwright;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>
/// The accessibility checks run axe with the pages' own Content-Security-Policy in force, so the policy cannot hide
/// what a real page does; and the check that says so does catch a browser that ignores the policy.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class AxeUnderPolicyTests(PortalFixture fixture)
{
    [Fact]
    public async Task Axe_runs_the_wcag_22_target_size_rule_while_the_page_refuses_inline_script()
    {
        var page = await fixture.SharedPatientPageAsync();
        var response = await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/questionnaire/before-your-visit").AbsoluteUri);
        Assert.Contains("script-src 'self'", await response!.HeaderValueAsync("content-security-policy") ?? "", StringComparison.Ordinal);
        await fixture.FormReadyAsync(page);

        // Throws unless the policy header came with the page and refused an inline script right after the run.
        var rules = await Axe.RulesRunAsync(page, "questionnaire");
        Assert.Contains("target-size", rules);
        Assert.Contains("color-contrast", rules);
        // The page's own script (ours and LHC-Forms') ran under the same policy: the form is there.
        Assert.Equal("true", await page.GetAttributeAsync("#pv-form", "data-ready"));
    }

    [Theory]
    [InlineData("en-US")]
    [InlineData("es-ES")]
    public async Task The_landing_licence_and_session_pages_have_no_wcag_22_aa_violations_under_their_content_security_policy(string locale)
    {
        var page = await fixture.NewPageAsync(locale);
        try
        {
            var violations = new List<string>();
            foreach (var path in new[] { "/", "/licences", "/session/required", "/session/denied", "/session/end" })
            {
                await page.GotoAsync(new Uri(fixture.Stack.AppUrl, path).AbsoluteUri);
                await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", locale[..2]);
                violations.AddRange(await Axe.ViolationsAsync(page, $"{path} ({locale})"));
            }

            Assert.True(violations.Count == 0, string.Join('\n', violations));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task The_operator_write_back_page_has_no_wcag_22_aa_violations_under_the_site_policy()
    {
        var page = await fixture.NewPageAsync();
        try
        {
            var violations = new List<string>();
            foreach (var path in new[] { "/operator/ehr-sync", "/operator/ehr-sync?state=completed", "/operator/ehr-sync?state=failed" })
            {
                var response = await page.GotoAsync(new Uri(fixture.Stack.AppUrl, path).AbsoluteUri);
                Assert.Equal(200, response!.Status);
                Assert.Contains("style-src 'self'", await response.HeaderValueAsync("content-security-policy") ?? "", StringComparison.Ordinal);
                // Its stylesheet loaded under that policy (no inline style left): the body's margin is the sheet's 1.5rem.
                Assert.Equal("24px", await page.EvaluateAsync<string>("() => getComputedStyle(document.body).marginTop"));
                violations.AddRange(await Axe.ViolationsAsync(page, path));
            }

            Assert.True(violations.Count == 0, string.Join('\n', violations));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task A_browser_context_that_bypasses_the_policy_is_refused_by_the_axe_check()
    {
        var context = await fixture.NewBypassingContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            Axe.Watch(page);
            await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/error?reason=not-found").AbsoluteUri);
            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => Axe.ViolationsAsync(page, "patient error page, policy bypassed"));
            Assert.Contains("was not enforced", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            await context.CloseAsync();
        }
    }
}
