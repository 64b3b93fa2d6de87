using System.Net;
using System.Text.Json;
using Hl7.Fhir.Model;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.FhirApi;

/// <summary>Nothing invalid enters: every write is held to R4 core, our profiles and, for a response, its Questionnaire.</summary>
[Collection(FhirServerCollection.Name)]
public sealed class ValidationTests(FhirServerFixture server)
{
    private const string Canonical = "http://patientvoice.example.org/fhir";
    private readonly HttpClient _client = server.CreateFhirClient();

    public static TheoryData<string> ValidExamples => Examples("-valid");

    public static TheoryData<string> InvalidExamples => Examples("-invalid-");

    [Theory]
    [MemberData(nameof(ValidExamples))]
    public async Task Every_valid_example_of_our_profiles_is_accepted(string file)
    {
        var json = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "profiles", "examples", file));
        var type = JsonDocument.Parse(json).RootElement.GetProperty("resourceType").GetString();

        var response = await _client.PostAsync(type, FhirJson.Content(json));

        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{file}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    [Theory]
    [MemberData(nameof(InvalidExamples))]
    public async Task Every_invalid_example_is_refused_with_422_and_the_message_and_element_it_expects(string file)
    {
        var json = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.Root, "profiles", "examples", file));
        var type = JsonDocument.Parse(json).RootElement.GetProperty("resourceType").GetString();
        var expected = Expectations().GetProperty(file);

        var response = await _client.PostAsync(type, FhirJson.Content(json));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var outcome = await FhirJson.ReadAsync<OperationOutcome>(response);
        Assert.Contains(outcome.Issue, i => i.Severity == OperationOutcome.IssueSeverity.Error
            && i.Diagnostics.Contains(expected.GetProperty("message").GetString()!, StringComparison.Ordinal)
            && i.Expression.Contains(expected.GetProperty("expression").GetString()!));
    }

    [Fact]
    public async Task The_questionnaires_we_ship_are_on_the_server_once_per_version_the_earlier_one_kept_for_its_responses()
    {
        foreach (var name in new[] { "before-your-visit", "what-i-know-about-my-condition", "my-care-preferences", "my-goals" })
        {
            var bundle = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Questionnaire?url={Canonical}/Questionnaire/{name}"));

            Assert.Equal(["0.1.0", "0.2.0"], bundle.Entry.Select(e => ((Questionnaire)e.Resource).Version).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task A_completed_response_that_leaves_a_required_question_unanswered_is_refused_and_points_at_the_item()
    {
        var response = CompletedGoalsResponse();
        RemoveAnswers(response.Item, "goal-text");

        var result = await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(response));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, result.StatusCode);
        var outcome = await FhirJson.ReadAsync<OperationOutcome>(result);
        Assert.Contains(outcome.Issue, i => i.Diagnostics.Contains("goal-text", StringComparison.Ordinal)
            && i.Expression.Any(e => e.StartsWith("QuestionnaireResponse.item[", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_draft_may_leave_required_questions_for_later()
    {
        var response = CompletedGoalsResponse();
        response.Status = QuestionnaireResponse.QuestionnaireResponseStatus.InProgress;
        RemoveAnswers(response.Item, "goal-text");

        var result = await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(response));

        Assert.Equal(HttpStatusCode.Created, result.StatusCode);
    }

    [Fact]
    public async Task A_response_to_a_questionnaire_the_server_does_not_hold_is_refused()
    {
        var response = CompletedGoalsResponse();
        response.Questionnaire = $"{Canonical}/Questionnaire/my-goals|9.9.9";

        var result = await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(response));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, result.StatusCode);
        Assert.Contains("is not on this server", (await FhirJson.ReadAsync<OperationOutcome>(result)).Issue.First(i => i.Severity == OperationOutcome.IssueSeverity.Error).Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validate_says_what_is_wrong_without_storing_anything()
    {
        var goal = FhirJson.Goal("p-validate", "Walk my dog");
        goal.ExpressedBy = null;
        var before = (await FhirJson.ReadAsync<Bundle>(await _client.GetAsync("Goal?patient=p-validate&_summary=count"))).Total;

        var response = await _client.PostAsync("Goal/$validate", FhirJson.Content(goal));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var outcome = await FhirJson.ReadAsync<OperationOutcome>(response);
        Assert.Contains(outcome.Issue, i => i.Severity == OperationOutcome.IssueSeverity.Error && i.Expression.Contains("Goal.expressedBy"));
        Assert.Equal(before, (await FhirJson.ReadAsync<Bundle>(await _client.GetAsync("Goal?patient=p-validate&_summary=count"))).Total);
    }

    [Fact]
    public async Task Validate_takes_a_parameters_body_with_mode_and_profile()
    {
        var goal = FhirJson.Goal("p-validate", "Sleep through the night");
        goal.Id = "goal-being-edited";
        var parameters = new Parameters();
        parameters.Add("resource", goal);
        parameters.Add("mode", new Code("update"));
        parameters.Add("profile", new FhirUri($"{Canonical}/StructureDefinition/pv-patient-stated-goal"));

        var wrongId = await FhirJson.ReadAsync<OperationOutcome>(await _client.PostAsync("Goal/another-goal/$validate", FhirJson.Content(parameters)));
        var rightId = await FhirJson.ReadAsync<OperationOutcome>(await _client.PostAsync("Goal/goal-being-edited/$validate", FhirJson.Content(parameters)));

        Assert.Contains(wrongId.Issue, i => i.Severity == OperationOutcome.IssueSeverity.Error && i.Diagnostics.Contains("must carry that id", StringComparison.Ordinal));
        Assert.DoesNotContain(rightId.Issue, i => i.Severity == OperationOutcome.IssueSeverity.Error);
        Assert.Equal("Validation found no errors.", rightId.Issue[0].Diagnostics);
    }

    [Fact]
    public async Task Validate_against_a_profile_the_server_does_not_know_is_an_error()
    {
        var response = await _client.PostAsync("Goal/$validate?profile=http://example.org/StructureDefinition/nope", FhirJson.Content(FhirJson.Goal("p-validate", "Cook again")));

        var outcome = await FhirJson.ReadAsync<OperationOutcome>(response);
        Assert.Contains(outcome.Issue, i => i.Severity == OperationOutcome.IssueSeverity.Error && i.Diagnostics.Contains("http://example.org/StructureDefinition/nope", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Goals_can_be_searched_by_who_expressed_them_with_our_search_parameter()
    {
        var patient = "p-" + Guid.NewGuid().ToString("N");
        await _client.PostAsync("Goal", FhirJson.Content(FhirJson.Goal(patient, "Go fishing with my brother")));

        var bundle = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Goal?expressed-by=Patient/{patient}"));

        Assert.Equal("Go fishing with my brother", ((Goal)Assert.Single(bundle.Entry).Resource).Description.Text);
        var statement = await FhirJson.ReadAsync<CapabilityStatement>(await _client.GetAsync("metadata"));
        Assert.Contains(statement.Rest[0].Resource.Single(r => r.Type == "Goal").SearchParam, p => p.Name == "expressed-by");
    }

    private static QuestionnaireResponse CompletedGoalsResponse() => FhirJson.CompletedResponse("my-goals");

    private static void RemoveAnswers(IEnumerable<QuestionnaireResponse.ItemComponent> items, string linkId)
    {
        foreach (var item in items)
        {
            if (item.LinkId == linkId)
            {
                item.Answer.Clear();
            }

            RemoveAnswers(item.Item, linkId);
            foreach (var answer in item.Answer)
            {
                RemoveAnswers(answer.Item, linkId);
            }
        }
    }

    private static JsonElement Expectations()
        => JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "profiles", "examples", "expectations.json"))).RootElement.GetProperty("invalid");

    private static TheoryData<string> Examples(string marker)
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepositoryPaths.Root, "profiles", "examples"), "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            if (file!.Contains(marker, StringComparison.Ordinal) && file != "expectations.json")
            {
                data.Add(file);
            }
        }

        return data;
    }
}
