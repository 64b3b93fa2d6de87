using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Application.ReadModels;
using PatientVoice.Application.Submit;
using PatientVoice.Web.Tests.Launch;
using PatientVoice.Web.Tests.Patients;

namespace PatientVoice.Web.Tests.Doors;

/// <summary>
/// The patient page is a door like the FHIR API's (<see cref="DoorParityTests"/>): the same answers sent from the
/// questionnaire page store what they store through the API — the safety tag, the Goals, one Provenance naming who
/// answered (a family member on behalf of the patient) — and the page's action is audited as the API's requests are.
/// PatientVoice on Kestrel with SQLite, signed in through a real launch at the sandbox EHR.
/// </summary>
[Collection(LaunchCollection.Name)]
public sealed class PatientPageDoorTests(LaunchFixture fixture)
{
    private RecordReader Records => fixture.Services.GetRequiredService<RecordReader>();

    [Fact]
    public async Task My_goals_sent_from_the_page_by_a_family_member_with_danger_words_is_flagged_extracted_and_attributed_as_through_the_api()
    {
        using var daughter = await PatientBrowser.SignInAsync(fixture, "robert-chen", "helen-chen");
        var form = await new PatientForm(daughter, "my-goals").OpenAsync();
        var words = "Cook for our grandchildren again " + Guid.NewGuid().ToString("N")[..8];
        var answers = PatientForm.Goals((words, null));
        answers.Item[0].Item.Add(new() { LinkId = "goal-why", Answer = [new() { Value = new FhirString("Some days I want to die") }] });

        var (_, responseId) = await form.SubmitAsync(answers);

        var response = await Records.ReadAsync<QuestionnaireResponse>(responseId, CancellationToken.None);
        Assert.NotNull(response);
        Assert.True(ReviewFlag.IsFlagged(response), "The page's submission carries the safety tag, as the API's does.");
        var goal = Assert.Single(await Records.SearchAsync<Goal>([RecordReader.P("subject", "Patient/robert-chen")], 200, CancellationToken.None), g => g.Description.Text == words);
        Assert.Equal(Goal.GoalLifecycleStatus.Proposed, goal.LifecycleStatus);
        var provenance = Assert.Single(await Records.SearchAsync<Provenance>([RecordReader.P("entity", $"QuestionnaireResponse/{responseId}")], 10, CancellationToken.None));
        Assert.Contains(provenance.Target, t => t.Reference.StartsWith($"Goal/{goal.Id}", StringComparison.Ordinal));
        Assert.Contains(provenance.Agent, a => a.Who.Reference == "RelatedPerson/helen-chen" && a.OnBehalfOf?.Reference == "Patient/robert-chen");
        await AuditedAsync("POST /Patient/Review", "RelatedPerson/helen-chen", "Patient/robert-chen");
    }

    // The page's change, in the audit trail (written off the request path, a moment later).
    private async System.Threading.Tasks.Task AuditedAsync(string page, string who, string patient)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline)
        {
            var audits = await Records.SearchAsync<AuditEvent>([RecordReader.P("patient", patient)], 1000, CancellationToken.None);
            if (audits.Any(a => a.Action == AuditEvent.AuditEventAction.U && a.Agent.Any(x => x.Who?.Reference == who)
                && a.Entity.Any(e => e.Description?.StartsWith(page, StringComparison.Ordinal) == true)))
            {
                return;
            }

            await System.Threading.Tasks.Task.Delay(200);
        }

        Assert.Fail($"No AuditEvent of {page} by {who} for {patient}.");
    }
}
