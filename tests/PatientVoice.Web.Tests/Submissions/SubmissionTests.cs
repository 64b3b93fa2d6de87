using System.Net;
using System.Text;
using Hl7.Fhir.Model;

namespace PatientVoice.Web.Tests.Submissions;

/// <summary>Submitting a response stores it with the Goals, notes and Provenance extracted from it, in one step.</summary>
[Collection(FhirServerCollection.Name)]
public sealed class SubmissionTests(FhirServerFixture server)
{
    private readonly HttpClient _client = server.CreateFhirClient();

    [Fact]
    public async Task Submitting_my_goals_stores_one_goal_per_stated_goal_expressed_by_the_patient_with_its_provenance_and_note()
    {
        var patient = NewPatient();

        var response = await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(GoalsResponse(patient)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var submitted = await FhirJson.ReadAsync<QuestionnaireResponse>(response);
        Assert.NotNull(submitted.Text);
        var goals = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Goal?patient=Patient/{patient}&_revinclude=Provenance:target"));
        var stated = goals.Entry.Where(e => e.Search.Mode == Bundle.SearchEntryMode.Match).Select(e => (Goal)e.Resource).ToList();
        Assert.Equal(["Sleep through the night", "Walk my granddaughter to school"], stated.Select(g => g.Description.Text).Order(StringComparer.Ordinal));
        Assert.All(stated, g => Assert.Equal($"Patient/{patient}", g.ExpressedBy.Reference));
        Assert.All(stated, g => Assert.Equal(Goal.GoalLifecycleStatus.Proposed, g.LifecycleStatus));
        var provenance = (Provenance)Assert.Single(goals.Entry, e => e.Search.Mode == Bundle.SearchEntryMode.Include).Resource;
        Assert.Contains(provenance.Entity, e => e.What.Reference.StartsWith($"QuestionnaireResponse/{submitted.Id}", StringComparison.Ordinal));

        var notes = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"DocumentReference?patient=Patient/{patient}"));
        var note = (DocumentReference)Assert.Single(notes.Entry).Resource;
        var html = Encoding.UTF8.GetString(note.Content[0].Attachment.Data);
        Assert.Contains("Walk my granddaughter to school", html, StringComparison.Ordinal);
        Assert.Contains("My goals", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_completed_response_with_nothing_answered_is_stored_on_its_own_without_a_provenance()
    {
        // Was refused (422, "Provenance.target" missing) until the extraction proof found it (docs/adr/0034).
        var patient = NewPatient();
        var empty = GoalsResponse(patient);
        empty.Item.Clear();

        var response = await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(empty));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var submitted = await FhirJson.ReadAsync<QuestionnaireResponse>(response);
        var stored = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"QuestionnaireResponse?subject=Patient/{patient}"));
        Assert.Equal(submitted.Id, Assert.Single(stored.Entry).Resource.Id);
        Assert.Empty(await GoalsAsync(patient));
        Assert.Empty((await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Provenance?entity=QuestionnaireResponse/{submitted.Id}"))).Entry);
    }

    [Fact]
    public async Task Amending_updates_the_same_goals_and_ends_the_one_the_patient_took_out()
    {
        var patient = NewPatient();
        var submitted = await FhirJson.ReadAsync<QuestionnaireResponse>(await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(GoalsResponse(patient))));
        var before = await GoalsAsync(patient);

        submitted.Status = QuestionnaireResponse.QuestionnaireResponseStatus.Amended;
        submitted.Item.RemoveAll(i => i.LinkId == "goal" && i.Item.Any(a => a.LinkId == "goal-text" && a.Answer.Any(x => x.Value.ToString() == "Sleep through the night")));
        var amended = await _client.PutAsync($"QuestionnaireResponse/{submitted.Id}", FhirJson.Content(submitted));

        Assert.Equal(HttpStatusCode.OK, amended.StatusCode);
        var after = await GoalsAsync(patient);
        Assert.Equal(before.Select(g => g.Id).Order(StringComparer.Ordinal), after.Select(g => g.Id).Order(StringComparer.Ordinal));
        var ended = after.Single(g => g.Description.Text == "Sleep through the night");
        Assert.Equal(Goal.GoalLifecycleStatus.Cancelled, ended.LifecycleStatus);
        Assert.Equal(Goal.GoalLifecycleStatus.Proposed, after.Single(g => g.Description.Text == "Walk my granddaughter to school").LifecycleStatus);
    }

    [Fact]
    public async Task Sending_the_same_submission_again_duplicates_nothing()
    {
        var patient = NewPatient();
        var submitted = await FhirJson.ReadAsync<QuestionnaireResponse>(await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(GoalsResponse(patient))));
        submitted.Status = QuestionnaireResponse.QuestionnaireResponseStatus.Amended;
        submitted.Authored = "2026-11-27T10:00:00Z";

        var first = await _client.PutAsync($"QuestionnaireResponse/{submitted.Id}", FhirJson.Content(submitted));
        var retry = await _client.PutAsync($"QuestionnaireResponse/{submitted.Id}", FhirJson.Content(submitted));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(first.Headers.ETag, retry.Headers.ETag);
        Assert.Equal(2, (await GoalsAsync(patient)).Count);
        var provenances = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Provenance?entity=QuestionnaireResponse/{submitted.Id}&_summary=count"));
        Assert.Equal(2, provenances.Total);
    }

    [Fact]
    public async Task An_invalid_submission_is_refused_and_nothing_is_stored()
    {
        var patient = NewPatient();
        var response = GoalsResponse(patient);
        foreach (var goal in response.Item.Where(i => i.LinkId == "goal"))
        {
            goal.Item.Single(i => i.LinkId == "goal-text").Answer.Clear();
        }

        var result = await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(response));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, result.StatusCode);
        Assert.Empty(await GoalsAsync(patient));
        var responses = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"QuestionnaireResponse?subject=Patient/{patient}&_summary=count"));
        Assert.Equal(0, responses.Total);
    }

    private async Task<List<Goal>> GoalsAsync(string patient)
        => (await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Goal?patient=Patient/{patient}"))).Entry.Select(e => (Goal)e.Resource!).ToList();

    private static string NewPatient() => "p-" + Guid.NewGuid().ToString("N")[..12];

    private static QuestionnaireResponse GoalsResponse(string patient)
    {
        var response = FhirJson.CompletedResponse("my-goals");
        response.Subject = new ResourceReference($"Patient/{patient}");
        response.Author = new ResourceReference($"Patient/{patient}");
        if (response.Source is not null)
        {
            response.Source = new ResourceReference($"Patient/{patient}");
        }

        return response;
    }
}
