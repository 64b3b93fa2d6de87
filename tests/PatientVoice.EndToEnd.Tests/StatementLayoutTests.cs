using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>My preferences and My copy show each answer close to its question and the next one: no blank lines around the patient's words.</summary>
[Collection(PortalCollection.Name)]
public sealed class StatementLayoutTests(PortalFixture fixture)
{
    private const string Patient = "ana-torres";

    [Fact]
    public async Task On_my_preferences_and_my_copy_each_answer_sits_right_under_its_question_with_no_blank_lines_before_the_next()
    {
        await SubmitCarePreferencesAsync();
        var page = await fixture.LaunchAsync(Patient, Patient);
        try
        {
            var problems = new List<string>();
            foreach (var path in new[] { "/patient/preferences", "/patient/my-copy" })
            {
                await page.GotoAsync(new Uri(fixture.Stack.AppUrl, path).AbsoluteUri);
                // For each statement: the space between its heading (dt) and the patient's words, and between the end
                // of the answer (its date line) and the next heading, in lines of the page's text.
                var gaps = await page.EvaluateAsync<JsonElement>("""
                    () => {
                      const line = parseFloat(getComputedStyle(document.body).lineHeight);
                      return [...document.querySelectorAll('dl.statements > dd')].map(dd => {
                        const dt = dd.previousElementSibling;
                        const next = dd.nextElementSibling;
                        const words = dd.querySelector('p');
                        const last = dd.lastElementChild;
                        return {
                          words: words.textContent.slice(0, 30),
                          above: (words.getBoundingClientRect().top - dt.getBoundingClientRect().bottom) / line,
                          below: next ? (next.getBoundingClientRect().top - last.getBoundingClientRect().bottom) / line : 0,
                          inside: (dd.getBoundingClientRect().bottom - last.getBoundingClientRect().bottom) / line
                        };
                      });
                    }
                    """);
                var statements = gaps.EnumerateArray().ToList();
                Assert.True(statements.Count >= 3, $"{path}: expected the submitted preferences, found {statements.Count} statements.");
                foreach (var gap in statements)
                {
                    double above = gap.GetProperty("above").GetDouble(), below = gap.GetProperty("below").GetDouble(), inside = gap.GetProperty("inside").GetDouble();
                    // Less than one line between a question and its answer, and between an answer and the next question.
                    if (above >= 1 || below >= 1 || inside >= 1)
                    {
                        problems.Add($"{path} \"{gap.GetProperty("words").GetString()}…\": {above:0.##} lines above, {below:0.##} below, {inside:0.##} blank inside");
                    }
                }
            }

            Assert.True(problems.Count == 0, "Blank gaps around answers:\n" + string.Join('\n', problems));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private async Task SubmitCarePreferencesAsync()
    {
        var json = File.ReadAllText(Path.Combine(PatientVoice.Testing.RepositoryPaths.CompletedResponses, "my-care-preferences.json"))
            .Replace("\"id\": \"care-preferences-completed\",", string.Empty, StringComparison.Ordinal)
            .Replace("Patient/example-patient", "Patient/" + Patient, StringComparison.Ordinal);
        using var fhir = fixture.Stack.FhirClient();
        using var content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/fhir+json"));
        using var response = await fhir.PostAsync("QuestionnaireResponse", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
