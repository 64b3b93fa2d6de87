using System.Net;
using Hl7.Fhir.Model;

namespace PatientVoice.Web.Tests.Submissions;

[Collection(FhirServerCollection.Name)]
public sealed class ExtractOperationTests(FhirServerFixture server)
{
    private readonly HttpClient _client = server.CreateFhirClient();

    [Fact]
    public async Task Extract_returns_a_transaction_that_stores_the_goals_when_posted_and_stores_nothing_itself()
    {
        var patient = "p-" + Guid.NewGuid().ToString("N")[..12];
        var response = FhirJson.CompletedResponse("my-goals");
        response.Subject = response.Author = new ResourceReference($"Patient/{patient}");

        var extracted = await _client.PostAsync("QuestionnaireResponse/$extract", FhirJson.Content(response));

        Assert.Equal(HttpStatusCode.OK, extracted.StatusCode);
        var transaction = await FhirJson.ReadAsync<Bundle>(extracted);
        Assert.Equal(Bundle.BundleType.Transaction, transaction.Type);
        Assert.Equal(2, transaction.Entry.Count(e => e.Resource is Goal));
        Assert.Single(transaction.Entry, e => e.Resource is Provenance);
        Assert.Single(transaction.Entry, e => e.Resource is DocumentReference);
        Assert.Empty((await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Goal?patient=Patient/{patient}"))).Entry);

        var stored = await _client.PostAsync(string.Empty, FhirJson.Content(transaction));

        Assert.Equal(HttpStatusCode.OK, stored.StatusCode);
        Assert.Equal(2, (await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Goal?patient=Patient/{patient}"))).Entry.Count);
    }

    [Fact]
    public async Task Extract_on_a_stored_response_gives_the_same_identifiers_as_its_submission()
    {
        var patient = "p-" + Guid.NewGuid().ToString("N")[..12];
        var response = FhirJson.CompletedResponse("my-goals");
        response.Subject = response.Author = new ResourceReference($"Patient/{patient}");
        var submitted = await FhirJson.ReadAsync<QuestionnaireResponse>(await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(response)));

        var transaction = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"QuestionnaireResponse/{submitted.Id}/$extract"));

        var storedGoals = (await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Goal?patient=Patient/{patient}"))).Entry.Select(e => (Goal)e.Resource!);
        Assert.Equal(
            storedGoals.SelectMany(g => g.Identifier).Select(i => i.Value).Order(StringComparer.Ordinal),
            transaction.Entry.Select(e => e.Resource).OfType<Goal>().SelectMany(g => g.Identifier).Select(i => i.Value).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_capability_statement_offers_extract_on_responses()
    {
        var statement = await FhirJson.ReadAsync<CapabilityStatement>(await _client.GetAsync("metadata"));

        Assert.Contains(statement.Rest[0].Resource.Single(r => r.Type == "QuestionnaireResponse").Operation, o => o.Name == "extract");
    }

    [Fact]
    public async Task Extract_without_a_response_is_a_400()
    {
        var response = await _client.PostAsync("QuestionnaireResponse/$extract", FhirJson.Content(new Parameters()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_response_to_a_questionnaire_the_server_does_not_hold_is_extracted_with_the_questionnaire_given_as_a_parameter()
    {
        var (input, questionnaire) = await KioskInputAsync();

        var extracted = await _client.PostAsync("QuestionnaireResponse/$extract", FhirJson.Content(input));

        Assert.Equal(HttpStatusCode.OK, extracted.StatusCode);
        var transaction = await FhirJson.ReadAsync<Bundle>(extracted);
        Assert.Equal(2, transaction.Entry.Count(e => e.Resource is Goal));
        // Still not held here: the parameter was used, nothing stored.
        Assert.Empty((await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Questionnaire?url={Uri.EscapeDataString(questionnaire.Url)}"))).Entry);
    }

    [Fact]
    public async Task A_questionnaire_parameter_that_is_not_the_one_the_response_answers_is_a_422()
    {
        var (input, questionnaire) = await KioskInputAsync();
        questionnaire.Url += "-other";

        var extracted = await _client.PostAsync("QuestionnaireResponse/$extract", FhirJson.Content(input));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, extracted.StatusCode);
        Assert.Contains("'questionnaire' given", await extracted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_or_repeated_parameter_is_a_400_that_names_it()
    {
        var (input, _) = await KioskInputAsync();
        input.Add("subject", new ResourceReference("Patient/x"));

        var unknown = await _client.PostAsync("QuestionnaireResponse/$extract", FhirJson.Content(input));

        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("'subject'", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    // Our My goals form as another publisher's questionnaire the server has never seen, and a response to it.
    private static async Task<(Parameters Input, Questionnaire Questionnaire)> KioskInputAsync()
    {
        var json = await File.ReadAllTextAsync(Path.Combine(PatientVoice.Testing.RepositoryPaths.Root, "profiles", "Questionnaire-my-goals.json"));
        var questionnaire = PatientVoice.Fhir.Serialization.FhirSerializer.Parse<Questionnaire>(json);
        questionnaire.Id = null;
        questionnaire.Url = "http://example.org/kiosk/Questionnaire/goals-" + Guid.NewGuid().ToString("N")[..8];
        questionnaire.Version = "3";
        var response = FhirJson.CompletedResponse("my-goals");
        response.Questionnaire = questionnaire.Url + "|3";
        response.Subject = response.Author = new ResourceReference("Patient/p-" + Guid.NewGuid().ToString("N")[..12]);
        var input = new Parameters();
        input.Add("questionnaire-response", response);
        input.Add("questionnaire", questionnaire);
        return (input, questionnaire);
    }
}
