using System.Net;
using Hl7.Fhir.Model;

namespace PatientVoice.Web.Tests.Submissions;

/// <summary>Populate from the last response, then submit the new one: goals keep their identity across responses (docs/adr/0008).</summary>
[Collection(FhirServerCollection.Name)]
public sealed class CarryForwardSubmissionTests(FhirServerFixture server)
{
    private readonly HttpClient _client = server.CreateFhirClient();

    [Fact]
    public async Task Populate_then_submit_keeps_one_goal_per_goal_as_a_new_version_and_ends_the_goal_the_patient_removed()
    {
        var patient = NewPatient();
        var first = await SubmitAsync(GoalsResponse(patient));
        var before = await GoalsAsync(patient);

        var next = await PopulateAsync(patient);
        Assert.Equal($"QuestionnaireResponse/{first.Id}", ((ResourceReference)next.GetExtension("http://patientvoice.example.org/fhir/StructureDefinition/pv-carried-forward-from").Value).Reference);
        next.Item.RemoveAll(g => g.LinkId == "goal" && GoalText(g) == "Sleep through the night");
        next.Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed;
        var second = await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(next));

        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        var after = await GoalsAsync(patient);
        Assert.Equal(before.Select(g => g.Id).Order(StringComparer.Ordinal), after.Select(g => g.Id).Order(StringComparer.Ordinal));
        var walk = after.Single(g => g.Description.Text == "Walk my granddaughter to school");
        Assert.Equal("2", walk.Meta.VersionId);
        Assert.Equal(Goal.GoalLifecycleStatus.Proposed, walk.LifecycleStatus);
        var secondId = (await FhirJson.ReadAsync<QuestionnaireResponse>(second)).Id;
        Assert.Contains(walk.Identifier, i => i.Value.StartsWith(first.Id + "/", StringComparison.Ordinal));
        Assert.Contains(walk.Identifier, i => i.Value.StartsWith(secondId + "/", StringComparison.Ordinal));
        var sleep = after.Single(g => g.Description.Text == "Sleep through the night");
        Assert.Equal(Goal.GoalLifecycleStatus.Cancelled, sleep.LifecycleStatus);
        Assert.Contains(sleep.Note, n => n.Text.ToString().Contains("removed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_goal_carried_forward_and_then_taken_out_when_amending_the_new_response_is_ended()
    {
        var patient = NewPatient();
        await SubmitAsync(GoalsResponse(patient));
        var next = await PopulateAsync(patient);
        next.Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed;
        var second = await SubmitAsync(next);

        second.Status = QuestionnaireResponse.QuestionnaireResponseStatus.Amended;
        second.Item.RemoveAll(g => g.LinkId == "goal" && GoalText(g) == "Walk my granddaughter to school");
        var amended = await _client.PutAsync($"QuestionnaireResponse/{second.Id}", FhirJson.Content(second));

        Assert.Equal(HttpStatusCode.OK, amended.StatusCode);
        var goals = await GoalsAsync(patient);
        Assert.Equal(2, goals.Count);
        Assert.Equal(Goal.GoalLifecycleStatus.Cancelled, goals.Single(g => g.Description.Text == "Walk my granddaughter to school").LifecycleStatus);
        Assert.Equal(Goal.GoalLifecycleStatus.Proposed, goals.Single(g => g.Description.Text == "Sleep through the night").LifecycleStatus);
    }

    [Fact]
    public async Task A_response_that_names_another_patients_goal_is_refused_and_nothing_is_stored()
    {
        var owner = NewPatient();
        await SubmitAsync(GoalsResponse(owner));
        var theirs = (await GoalsAsync(owner))[0];
        var intruder = NewPatient();
        var response = GoalsResponse(intruder);
        response.Item[0].Item.Add(new QuestionnaireResponse.ItemComponent { LinkId = "goal-id", Answer = [new() { Value = new FhirString(theirs.Id) }] });

        var result = await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(response));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, result.StatusCode);
        Assert.Empty(await GoalsAsync(intruder));
        Assert.Equal("1", (await FhirJson.ReadAsync<Goal>(await _client.GetAsync($"Goal/{theirs.Id}"))).Meta.VersionId);
    }

    private async Task<QuestionnaireResponse> PopulateAsync(string patient)
    {
        var input = new Parameters();
        input.Add("canonical", new Canonical(PopulateOperationTests.MyGoals));
        input.Add("subject", new ResourceReference($"Patient/{patient}"));
        input.Add("local", new FhirBoolean(true));
        var result = await _client.PostAsync("Questionnaire/$populate", FhirJson.Content(input));
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        var response = (QuestionnaireResponse)(await FhirJson.ReadAsync<Parameters>(result)).GetSingle("response").Resource;
        response.Meta = new Meta { Profile = ["http://patientvoice.example.org/fhir/StructureDefinition/pv-questionnaire-response"] };
        return response;
    }

    private async Task<QuestionnaireResponse> SubmitAsync(QuestionnaireResponse response)
    {
        var result = await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(response));
        Assert.Equal(HttpStatusCode.Created, result.StatusCode);
        return await FhirJson.ReadAsync<QuestionnaireResponse>(result);
    }

    private async Task<List<Goal>> GoalsAsync(string patient)
        => (await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Goal?patient=Patient/{patient}"))).Entry.Select(e => (Goal)e.Resource!).ToList();

    private static string? GoalText(QuestionnaireResponse.ItemComponent group) =>
        group.Item.SingleOrDefault(i => i.LinkId == "goal-text")?.Answer.SingleOrDefault()?.Value?.ToString();

    private static string NewPatient() => "p-" + Guid.NewGuid().ToString("N")[..12];

    private static QuestionnaireResponse GoalsResponse(string patient)
    {
        var response = FhirJson.CompletedResponse("my-goals");
        response.Subject = new ResourceReference($"Patient/{patient}");
        response.Author = new ResourceReference($"Patient/{patient}");
        response.Source = new ResourceReference($"Patient/{patient}");
        return response;
    }
}
