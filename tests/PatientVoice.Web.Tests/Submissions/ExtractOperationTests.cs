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
}
