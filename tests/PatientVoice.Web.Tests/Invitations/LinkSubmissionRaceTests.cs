using System.Net;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using PatientVoice.Web.Tests.Launch;
using PatientVoice.Web.Tests.Patients;

namespace PatientVoice.Web.Tests.Invitations;

/// <summary>
/// A one-time link is spent by its first submission, in the same transaction that stores it (docs/adr/0029): the same
/// link opened on several devices (a phone and a tablet, a patient and their daughter) and sent from all of them at
/// once stores exactly one response, and its invitation's Task is completed naming that response. PatientVoice on
/// Kestrel with a real SQLite file, the sessions made by opening the link over HTTP.
/// </summary>
[Collection(LaunchCollection.Name)]
public sealed partial class LinkSubmissionRaceTests(LaunchFixture fixture)
{
    private const string Form = "before-your-visit";
    private const string Review = "/patient/questionnaire/" + Form + "/review";

    [Fact]
    public async Task Devices_sending_through_one_link_at_once_store_exactly_one_response_and_the_task_is_completed_with_it()
    {
        var patient = "link-race-" + Guid.NewGuid().ToString("N")[..10];
        var (url, taskId) = await Links.InviteAsync(fixture, patient);
        var devices = new List<PatientBrowser>();
        var sends = new List<(Dictionary<string, string> Fields, string Token, string Words)>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                devices.Add(await PatientBrowser.OpenLinkAsync(fixture, url));
            }

            // Each device opens the empty form before any other saved (so each saves a draft of its own), then reviews it.
            var forms = new List<PatientForm>();
            foreach (var device in devices)
            {
                forms.Add(await new PatientForm(device, Form).OpenAsync());
            }

            for (var i = 0; i < devices.Count; i++)
            {
                var words = $"Device {i}: my knees hurt on the stairs " + Guid.NewGuid().ToString("N")[..6];
                using (var saved = await forms[i].SaveAsync(Answers(forms[i].Opened, words)))
                {
                    Assert.True(saved.IsSuccessStatusCode, await saved.Content.ReadAsStringAsync());
                }

                var (status, html, _) = await devices[i].GetAsync(Review);
                Assert.Equal(HttpStatusCode.OK, status);
                var fields = new Dictionary<string, string> { ["DraftId"] = Field(html, "DraftId"), ["DraftVersion"] = Field(html, "DraftVersion") };
                Assert.Equal(forms[i].DraftId, fields["DraftId"]);
                sends.Add((fields, Field(html, "__RequestVerificationToken"), words));
            }

            Assert.Equal(devices.Count, sends.Select(s => s.Fields["DraftId"]).Distinct().Count());

            // All of them press "Send" at the same moment.
            var answers = await System.Threading.Tasks.Task.WhenAll(devices.Select((device, i) => device.PostFormAsync(Review, sends[i].Fields, sends[i].Token)));
            var locations = answers.Select(a => a.Headers.Location?.OriginalString ?? $"{(int)a.StatusCode}").ToList();
            foreach (var answer in answers)
            {
                answer.Dispose();
            }

            // Exactly one response is stored as sent; it is the one the accepted device was shown as sent.
            using var api = Links.Client(fixture);
            var submitted = Assert.Single(await Links.SearchAsync<QuestionnaireResponse>(api, $"QuestionnaireResponse?subject=Patient/{patient}&status=completed,amended"));
            var responseId = submitted.Id;
            var accepted = Assert.Single(locations, l => l.Contains("/sent?", StringComparison.Ordinal));
            Assert.Equal(responseId, SentResponse().Match(accepted).Groups[1].Value);
            Assert.All(locations.Where(l => l != accepted), l => Assert.Equal("/patient/link-closed", l));

            // The devices that lost are told plainly that the answers were already sent (410), and nothing of theirs is stored.
            for (var i = 0; i < devices.Count; i++)
            {
                if (locations[i] == accepted)
                {
                    continue;
                }

                var (status, html, _) = await devices[i].GetAsync("/patient/link-closed");
                Assert.Equal(HttpStatusCode.Gone, status);
                Assert.Contains("Your answers were already sent", html, StringComparison.Ordinal);
                Assert.Contains("role=\"alert\"", html, StringComparison.Ordinal);
            }

            Assert.Single(await Links.SearchAsync<Provenance>(api, $"Provenance?entity=QuestionnaireResponse/{responseId}"));
            var losers = sends.Where(s => s.Fields["DraftId"] != responseId).ToList();
            foreach (var loser in losers)
            {
                var draft = await FhirJson.ReadAsync<QuestionnaireResponse>(await api.GetAsync($"QuestionnaireResponse/{loser.Fields["DraftId"]}"));
                Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.InProgress, draft.Status);
                Assert.Equal(loser.Fields["DraftVersion"], draft.Meta.VersionId);
                Assert.Empty(await Links.SearchAsync<Provenance>(api, $"Provenance?entity=QuestionnaireResponse/{loser.Fields["DraftId"]}"));
            }

            var task = await FhirJson.ReadAsync<Hl7.Fhir.Model.Task>(await api.GetAsync("Task/" + taskId));
            Assert.Equal(Hl7.Fhir.Model.Task.TaskStatus.Completed, task.Status);
            var output = Assert.Single(task.Output);
            Assert.Equal("QuestionnaireResponse/" + responseId, ((ResourceReference)output.Value).Reference);

            // The log says the link was spent once (after the commit) and that the other two sends were refused.
            var logs = fixture.Logs.GetSnapshot().Select(r => r.Message).ToList();
            Assert.Single(logs, m => m == $"Invitation submitted: Task/{taskId}; its link is spent (committed)");
            Assert.Equal(devices.Count - 1, logs.Count(m => m.StartsWith($"A submission through the link of Task/{taskId} was refused", StringComparison.Ordinal)));
        }
        finally
        {
            devices.ForEach(d => d.Dispose());
        }
    }

    // The form's starting answers (who is filling it in) and the one required answer, in the questionnaire's order.
    private static QuestionnaireResponse Answers(QuestionnaireResponse opened, string words)
    {
        var answers = (QuestionnaireResponse)opened.DeepCopy();
        answers.Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = "visit-agenda", Answer = [new() { Value = new FhirString(words) }] });
        return answers;
    }

    private static string Field(string html, string name)
        => Regex.Match(html, "name=\"" + Regex.Escape(name) + "\"[^>]*value=\"([^\"]*)\"") is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new Xunit.Sdk.XunitException($"No field {name} on the page.");

    [GeneratedRegex("response=([^&]+)")]
    private static partial Regex SentResponse();
}
