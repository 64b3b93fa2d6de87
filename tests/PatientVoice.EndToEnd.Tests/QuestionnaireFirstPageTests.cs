using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;
using PatientVoice.Testing.Portal;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>
/// The questionnaire's first questions are drawn by the server (ADR 0026): they are there without JavaScript, in the
/// page's language with the answers the form opens with; what a patient types before LHC-Forms has arrived is carried
/// into it and saved; and the page as first drawn passes axe under its own Content-Security-Policy.
/// LHC-Forms is held back with a route that answers only when the test says, so the race is the same on every run.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class QuestionnaireFirstPageTests(PortalFixture fixture)
{
    [Theory]
    [InlineData("robert-chen", "en-US", "my-goals", "What is your goal? Use your own words.")]
    [InlineData("ana-torres", "es-ES", "before-your-visit", "¿Qué espera de esta visita?")]
    public async Task Without_javascript_the_first_questions_are_there_in_the_page_language_to_read_and_type_in(string patient, string locale, string form, string question)
    {
        var signedIn = await fixture.LaunchAsync(patient, patient, locale);
        var page = await fixture.WithoutScriptAsync(signedIn, locale);
        try
        {
            await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/questionnaire/" + form).AbsoluteUri);
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", locale[..2]);
            var field = page.GetByLabel(question, new() { Exact = true });
            await Assertions.Expect(field).ToBeVisibleAsync();
            await Assertions.Expect(field).ToBeEditableAsync();
            await field.FillAsync("Mis propias palabras / my own words");
            await Assertions.Expect(field).ToHaveValueAsync("Mis propias palabras / my own words");
            // Without script the page says what it needs to save; nothing of LHC-Forms is there.
            await Assertions.Expect(page.Locator("#pv-first .notice")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("#pv-form")).ToBeHiddenAsync();

            if (locale.StartsWith("es", StringComparison.Ordinal))
            {
                // The choices in Spanish (the questionnaire's translations, the pages' Sí/No), the launch's answer chosen.
                await Assertions.Expect(page.GetByRole(AriaRole.Radio, new() { Name = "Yo", Exact = true })).ToBeCheckedAsync();
                var yesNo = page.GetByRole(AriaRole.Group, new() { Name = "¿Le gustaría que un familiar o amigo participe en su cuidado?" });
                await Assertions.Expect(yesNo.GetByRole(AriaRole.Radio, new() { Name = "Sí", Exact = true })).Not.ToBeCheckedAsync();
                await Assertions.Expect(yesNo.GetByRole(AriaRole.Radio, new() { Name = "No", Exact = true })).Not.ToBeCheckedAsync();
                Assert.DoesNotContain("Who is filling this in?", await page.InnerTextAsync("main"), StringComparison.Ordinal);
            }
        }
        finally
        {
            await page.Context.CloseAsync();
            await signedIn.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Words_typed_and_a_choice_made_before_the_form_engine_arrives_are_carried_into_it_keep_the_focus_and_are_saved()
    {
        const string Patient = "helen-chen";
        var page = await fixture.LaunchAsync(Patient, Patient);
        var release = await HoldBackLFormsAsync(page);
        try
        {
            await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/questionnaire/before-your-visit").AbsoluteUri, new() { WaitUntil = WaitUntilState.Commit });
            var hopes = page.Locator("#pv-first").GetByLabel("What are you hoping for from this visit?");
            await Assertions.Expect(hopes).ToBeEditableAsync();
            await page.Locator("#pv-first").GetByRole(AriaRole.Group, new() { Name = "Would you like a family member or friend to be part of your care?" })
                .GetByRole(AriaRole.Radio, new() { Name = "Yes", Exact = true }).CheckAsync();
            var words = "To know if I can travel in the spring " + Guid.NewGuid().ToString("N")[..6];
            await hopes.ClickAsync();
            await hopes.PressSequentiallyAsync(words);
            Assert.Equal("false", await page.EvaluateAsync<string>("() => String(typeof window.LForms !== 'undefined')"));

            release.SetResult();
            await fixture.FormReadyAsync(page);

            // LHC-Forms holds the words and the choice; the drawn questions are gone; the patient is still in the same answer.
            await Assertions.Expect(page.Locator("#pv-first")).ToHaveCountAsync(0);
            var inForm = page.Locator("#pv-form textarea[id^='visit-hopes/']");
            await Assertions.Expect(inForm).ToHaveValueAsync(words);
            await Assertions.Expect(inForm).ToBeFocusedAsync();
            await Assertions.Expect(page.Locator("#pv-form lhc-item-boolean label.ant-radio-wrapper").Nth(0).Locator("input")).ToBeCheckedAsync();

            // Saved as a draft without touching anything else, and it reaches the review step.
            await Assertions.Expect(page.Locator("#pv-save-state")).ToContainTextAsync("Saved", new() { Timeout = 15_000 });
            var draft = await DraftAsync(Patient, "before-your-visit");
            Assert.Contains(words, draft, StringComparison.Ordinal);
            Assert.Contains("\"valueBoolean\":true", draft, StringComparison.Ordinal);
            await page.ClickAsync("#pv-review");
            await page.ArriveAsync("**/review");
            await Assertions.Expect(page.Locator("#pv-answers")).ToContainTextAsync(words);
        }
        finally
        {
            release.TrySetResult();
            await page.Context.CloseAsync();
        }
    }

    [Theory]
    [InlineData("en", "before-your-visit")]
    [InlineData("es", "before-your-visit")]
    [InlineData("en", "my-goals")]
    [InlineData("es", "what-i-know-about-my-condition")]
    public async Task The_first_questions_as_drawn_before_the_form_engine_have_no_wcag_22_aa_violations_under_the_policy(string language, string form)
    {
        var page = await fixture.SharedPatientPageAsync();
        var release = await HoldBackLFormsAsync(page);
        try
        {
            await page.GotoAsync(new Uri(fixture.Stack.AppUrl, $"/patient/language?culture={language}&returnUrl=/patient").AbsoluteUri);
            await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/questionnaire/" + form).AbsoluteUri, new() { WaitUntil = WaitUntilState.Commit });
            await Assertions.Expect(page.Locator("#pv-first textarea, #pv-first input:not([type=hidden])").First).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", language);

            var violations = await Axe.ViolationsAsync(page, $"{form} as drawn by the server ({language})");
            Assert.True(violations.Count == 0, string.Join('\n', violations));
            Assert.Null(await page.GetAttributeAsync("#pv-form", "data-ready"));
        }
        finally
        {
            release.TrySetResult();
            await page.UnrouteAllAsync(new() { Behavior = UnrouteBehavior.IgnoreErrors });
        }
    }

    // LHC-Forms' main script is answered only once the test releases it (the deferred scripts after it wait too).
    private static async Task<TaskCompletionSource> HoldBackLFormsAsync(IPage page)
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/lib/lforms/**/lhc-forms.js", async route =>
        {
            await release.Task;
            await route.ContinueAsync();
        });
        return release;
    }

    private async Task<string> DraftAsync(string patient, string form)
    {
        using var client = fixture.Stack.FhirClient();
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        using var response = await client.GetAsync($"QuestionnaireResponse?subject=Patient/{patient}&status=in-progress&_count=50");
        response.EnsureSuccessStatusCode();
        using var bundle = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var drafts = bundle.RootElement.TryGetProperty("entry", out var entries)
            ? entries.EnumerateArray().Select(e => e.GetProperty("resource"))
                .Where(r => r.GetProperty("questionnaire").GetString()!.Contains("/" + form, StringComparison.Ordinal)).ToList()
            : [];
        return JsonSerializer.Serialize(Assert.Single(drafts));
    }
}
