using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Playwright;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>A yes/no question starts with nothing chosen; Yes is stored as valueBoolean true, and the answer can be taken back.</summary>
[Collection(PortalCollection.Name)]
public sealed class YesNoQuestionTests(PortalFixture fixture)
{
    private const string Patient = "thomas-mueller";

    [Fact]
    public async Task The_yes_no_question_opens_with_nothing_chosen_stores_yes_as_true_and_can_be_left_unanswered_again()
    {
        var page = await fixture.LaunchAsync(Patient, Patient);
        try
        {
            await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/questionnaire/before-your-visit").AbsoluteUri);
            await fixture.FormReadyAsync(page);
            var question = page.Locator("#pv-form lhc-item-boolean");
            var choices = question.Locator("label.ant-radio-wrapper");
            await Assertions.Expect(choices).ToHaveCountAsync(3);
            await AssertNothingChosenAsync(question);

            await choices.Nth(0).ClickAsync();
            await Assertions.Expect(choices.Nth(0).Locator("input")).ToBeCheckedAsync();
            Assert.True(await DraftAnswerAsync(answer => answer?.GetProperty("valueBoolean").GetBoolean() == true), "The draft never held involve-family = valueBoolean true.");

            // Taking the answer back: "Not Answered" clears it, in the page and in the stored draft.
            await choices.Nth(2).ClickAsync();
            await Assertions.Expect(choices.Nth(2).Locator("input")).ToBeCheckedAsync();
            await Assertions.Expect(choices.Nth(0).Locator("input")).Not.ToBeCheckedAsync();
            Assert.True(await DraftAnswerAsync(answer => answer is null), "The draft still answers involve-family after \"Not Answered\".");

            // Opened again, the unanswered question again shows nothing chosen.
            await page.ReloadAsync();
            await fixture.FormReadyAsync(page);
            await AssertNothingChosenAsync(question);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private static async Task AssertNothingChosenAsync(ILocator question)
    {
        await Assertions.Expect(question.Locator("input[type=radio]")).ToHaveCountAsync(3);
        Assert.Equal(0, await question.Locator("input[type=radio]:checked").CountAsync());
        Assert.Equal(0, await question.Locator(".ant-radio-wrapper-checked, .ant-radio-checked").CountAsync());
    }

    // Polls the stored draft (the autosave runs every few seconds) until its involve-family answer satisfies the test.
    private async Task<bool> DraftAnswerAsync(Func<JsonElement?, bool> satisfied)
    {
        using var client = fixture.Stack.FhirClient();
        client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+json"));
        for (var attempt = 0; attempt < 40; attempt++)
        {
            using var response = await client.GetAsync($"QuestionnaireResponse?subject=Patient/{Patient}&status=in-progress&_count=50");
            response.EnsureSuccessStatusCode();
            using var bundle = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var drafts = bundle.RootElement.TryGetProperty("entry", out var entries)
                ? entries.EnumerateArray().Select(e => e.GetProperty("resource"))
                    .Where(r => r.GetProperty("questionnaire").GetString()!.Contains("/before-your-visit", StringComparison.Ordinal)).ToList()
                : [];
            if (drafts.Count == 1)
            {
                var answer = Answers(drafts[0].TryGetProperty("item", out var items) ? items : default)
                    .FirstOrDefault(a => a.LinkId == "involve-family").Answer;
                if (satisfied(answer))
                {
                    return true;
                }
            }

            await Task.Delay(500);
        }

        return false;
    }

    private static IEnumerable<(string LinkId, JsonElement? Answer)> Answers(JsonElement items)
    {
        if (items.ValueKind != JsonValueKind.Array)
        {
            yield break;
        }

        foreach (var item in items.EnumerateArray())
        {
            var linkId = item.GetProperty("linkId").GetString()!;
            yield return (linkId, item.TryGetProperty("answer", out var answers) && answers.GetArrayLength() > 0 ? answers[0].Clone() : null);
            if (item.TryGetProperty("item", out var children))
            {
                foreach (var child in Answers(children))
                {
                    yield return child;
                }
            }
        }
    }
}
