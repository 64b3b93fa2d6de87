using System.Net;
using Hl7.Fhir.Model;

namespace PatientVoice.Web.Tests.FhirApi;

[Collection(FhirServerCollection.Name)]
public sealed class BundleTests(FhirServerFixture server)
{
    private readonly HttpClient _client = server.CreateFhirClient();

    [Fact]
    public async Task A_transaction_creates_everything_and_resolves_urn_uuid_references()
    {
        var goalUrn = "urn:uuid:" + Guid.NewGuid();
        var transaction = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                Post(FhirJson.Provenance("p-tx", goalUrn), "urn:uuid:" + Guid.NewGuid()),
                Post(FhirJson.Goal("p-tx", "Walk to church on Sundays"), goalUrn),
            ],
        };

        var response = await _client.PostAsync(string.Empty, FhirJson.Content(transaction));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await FhirJson.ReadAsync<Bundle>(response);
        Assert.Equal(Bundle.BundleType.TransactionResponse, result.Type);
        Assert.All(result.Entry, e => Assert.Equal("201 Created", e.Response.Status));
        var goalLocation = result.Entry[1].Response.Location;
        Assert.StartsWith("Goal/", goalLocation, StringComparison.Ordinal);
        var provenance = (Provenance)result.Entry[0].Resource;
        var goalId = goalLocation.Split('/')[1];
        Assert.Equal($"Goal/{goalId}", provenance.Target[0].Reference);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"Goal/{goalId}")).StatusCode);
    }

    [Fact]
    public async Task A_transactions_search_entry_finds_what_the_transaction_wrote()
    {
        var patient = "p-tx-search-" + Guid.NewGuid().ToString("N")[..8];
        var transaction = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                new Bundle.EntryComponent { Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.GET, Url = $"Goal?patient=Patient/{patient}" } },
                Post(FhirJson.Goal(patient, "Cook for my grandchildren"), "urn:uuid:" + Guid.NewGuid()),
            ],
        };

        var response = await _client.PostAsync(string.Empty, FhirJson.Content(transaction));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await FhirJson.ReadAsync<Bundle>(response);
        // GET entries are processed after the writes (FHIR transaction processing rules), inside the same transaction.
        var searchset = Assert.IsType<Bundle>(result.Entry[0].Resource);
        var found = Assert.IsType<Goal>(Assert.Single(searchset.Entry).Resource);
        Assert.Equal(result.Entry[1].Response.Location.Split('/')[1], found.Id);
    }

    [Fact]
    public async Task A_transaction_with_one_bad_entry_stores_nothing_and_names_the_entry()
    {
        var before = await TotalVersionsAsync();
        var transaction = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                Post(FhirJson.Goal("p-atomic", "Should not be kept"), null),
                new Bundle.EntryComponent
                {
                    Resource = FhirJson.Goal("p-atomic", "Update with a stale version"),
                    Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = "Goal/not-there", IfMatch = "W/\"4\"" },
                },
            ],
        };
        ((Goal)transaction.Entry[1].Resource).Id = "not-there";

        var response = await _client.PostAsync(string.Empty, FhirJson.Content(transaction));

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        var outcome = await FhirJson.ReadAsync<OperationOutcome>(response);
        Assert.StartsWith("Bundle.entry[1]", outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
        Assert.Equal(before, await TotalVersionsAsync());
    }

    [Fact]
    public async Task A_transaction_reference_to_an_unknown_urn_is_a_400()
    {
        var goal = FhirJson.Goal("p-urn", "Sleep better");
        goal.Addresses = [new ResourceReference("urn:uuid:" + Guid.NewGuid())];
        var transaction = new Bundle { Type = Bundle.BundleType.Transaction, Entry = [Post(goal, null)] };

        var response = await _client.PostAsync(string.Empty, FhirJson.Content(transaction));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_batch_runs_every_entry_on_its_own_and_reports_each_outcome()
    {
        var batch = new Bundle
        {
            Type = Bundle.BundleType.Batch,
            Entry =
            [
                Post(FhirJson.Goal("p-batch", "Walk every day"), null),
                new Bundle.EntryComponent { Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.GET, Url = "Goal/missing-in-batch" } },
                new Bundle.EntryComponent { Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.DELETE, Url = "Patient/1" } },
            ],
        };

        var response = await _client.PostAsync(string.Empty, FhirJson.Content(batch));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await FhirJson.ReadAsync<Bundle>(response);
        Assert.Equal(Bundle.BundleType.BatchResponse, result.Type);
        Assert.Equal("201 Created", result.Entry[0].Response.Status);
        Assert.StartsWith("404", result.Entry[1].Response.Status, StringComparison.Ordinal);
        Assert.IsType<OperationOutcome>(result.Entry[1].Response.Outcome);
        Assert.StartsWith("404", result.Entry[2].Response.Status, StringComparison.Ordinal);
        var created = result.Entry[0].Response.Location.Split('/')[1];
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"Goal/{created}")).StatusCode);
    }

    private static Bundle.EntryComponent Post(Resource resource, string? fullUrl) => new()
    {
        FullUrl = fullUrl,
        Resource = resource,
        Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = resource.TypeName },
    };

    // Goal versions: the whole server's history also counts the audit trail, which grows with every request.
    private async Task<int> TotalVersionsAsync()
        => (await FhirJson.ReadAsync<Bundle>(await _client.GetAsync("Goal/_history?_count=1"))).Total ?? -1;
}
