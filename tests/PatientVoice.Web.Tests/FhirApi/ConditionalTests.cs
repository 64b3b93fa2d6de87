using System.Net;
using Hl7.Fhir.Model;

namespace PatientVoice.Web.Tests.FhirApi;

[Collection(FhirServerCollection.Name)]
public sealed class ConditionalTests(FhirServerFixture server)
{
    private readonly HttpClient _client = server.CreateFhirClient();

    [Fact]
    public async Task A_conditional_create_that_matches_one_resource_returns_it_and_writes_nothing()
    {
        var identifier = Guid.NewGuid().ToString("N");
        var first = await CreateWithIdentifierAsync(identifier);
        Assert.Equal(HttpStatusCode.Created, first.StatusCode);

        var second = await CreateWithIdentifierAsync(identifier);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal((await FhirJson.ReadAsync<Goal>(first)).Id, (await FhirJson.ReadAsync<Goal>(second)).Id);
        var all = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Goal?identifier=urn:test|{identifier}"));
        Assert.Equal(1, all.Total);
    }

    [Fact]
    public async Task A_conditional_create_that_matches_several_resources_is_a_412()
    {
        var identifier = Guid.NewGuid().ToString("N");
        await _client.PostAsync("Goal", FhirJson.Content(WithIdentifier(identifier)));
        await _client.PostAsync("Goal", FhirJson.Content(WithIdentifier(identifier)));

        var response = await CreateWithIdentifierAsync(identifier);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
    }

    [Fact]
    public async Task A_conditional_update_creates_then_updates_the_one_match()
    {
        var identifier = Guid.NewGuid().ToString("N");

        var created = await _client.PutAsync($"Goal?identifier=urn:test|{identifier}", FhirJson.Content(WithIdentifier(identifier)));
        var updated = await _client.PutAsync($"Goal?identifier=urn:test|{identifier}", FhirJson.Content(WithIdentifier(identifier, "changed words")));

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        var goal = await FhirJson.ReadAsync<Goal>(updated);
        Assert.Equal((await FhirJson.ReadAsync<Goal>(created)).Id, goal.Id);
        Assert.Equal("2", goal.Meta.VersionId);
        Assert.Equal("changed words", goal.Description.Text);
    }

    [Fact]
    public async Task A_conditional_delete_removes_the_one_match()
    {
        var identifier = Guid.NewGuid().ToString("N");
        var goal = await FhirJson.ReadAsync<Goal>(await _client.PostAsync("Goal", FhirJson.Content(WithIdentifier(identifier))));

        var response = await _client.DeleteAsync($"Goal?identifier=urn:test|{identifier}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await _client.GetAsync($"Goal/{goal.Id}")).StatusCode);
    }

    [Fact]
    public async Task A_conditional_interaction_with_an_unknown_parameter_is_refused_rather_than_matching_everything()
    {
        var response = await _client.DeleteAsync("Goal?no-such-parameter=1");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_transaction_conditional_create_reuses_the_match_for_urn_references()
    {
        var identifier = Guid.NewGuid().ToString("N");
        var existing = await FhirJson.ReadAsync<Goal>(await _client.PostAsync("Goal", FhirJson.Content(WithIdentifier(identifier))));
        var urn = "urn:uuid:" + Guid.NewGuid();
        var transaction = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                new Bundle.EntryComponent
                {
                    FullUrl = urn,
                    Resource = WithIdentifier(identifier),
                    Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Goal", IfNoneExist = $"identifier=urn:test|{identifier}" },
                },
                new Bundle.EntryComponent
                {
                    Resource = FhirJson.Provenance("p-cond", urn),
                    Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Provenance" },
                },
            ],
        };

        var result = await FhirJson.ReadAsync<Bundle>(await _client.PostAsync(string.Empty, FhirJson.Content(transaction)));

        Assert.Equal("200 OK", result.Entry[0].Response.Status);
        Assert.Equal($"Goal/{existing.Id}", ((Provenance)result.Entry[1].Resource).Target[0].Reference);
    }

    private Task<HttpResponseMessage> CreateWithIdentifierAsync(string identifier)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "Goal") { Content = FhirJson.Content(WithIdentifier(identifier)) };
        request.Headers.Add("If-None-Exist", $"identifier=urn:test|{identifier}");
        return _client.SendAsync(request);
    }

    private static Goal WithIdentifier(string identifier, string words = "Keep my blood sugar steady")
    {
        var goal = FhirJson.Goal("p-cond", words);
        goal.Identifier = [new Identifier("urn:test", identifier)];
        return goal;
    }
}
