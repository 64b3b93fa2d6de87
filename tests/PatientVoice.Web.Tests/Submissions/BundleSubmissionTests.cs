using System.Net;
using Hl7.Fhir.Model;

namespace PatientVoice.Web.Tests.Submissions;

/// <summary>A submitted response inside a client's transaction or batch Bundle is extracted as the direct endpoint extracts it.</summary>
[Collection(FhirServerCollection.Name)]
public sealed class BundleSubmissionTests(FhirServerFixture server)
{
    private readonly HttpClient _client = server.CreateFhirClient();

    [Fact]
    public async Task A_completed_response_posted_in_a_transaction_is_extracted_in_that_same_transaction()
    {
        var patient = NewPatient();
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = "urn:uuid:6f1f0b1e-1111-4c4c-8a8a-000000000001",
            Resource = GoalsResponse(patient),
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "QuestionnaireResponse" },
        });
        var note = FhirJson.Goal(patient, "Something the clinic added alongside");
        bundle.Entry.Add(new Bundle.EntryComponent { Resource = note, Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Goal" } });

        var result = await _client.PostAsync(string.Empty, FhirJson.Content(bundle));

        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        var answer = await FhirJson.ReadAsync<Bundle>(result);
        Assert.Equal(2, answer.Entry.Count);
        Assert.StartsWith("201", answer.Entry[0].Response.Status, StringComparison.Ordinal);
        var responseId = answer.Entry[0].Response.Location.Split('/')[1];
        var goals = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Goal?patient=Patient/{patient}"));
        Assert.Equal(3, goals.Entry.Count);
        var provenance = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Provenance?entity=QuestionnaireResponse/{responseId}"));
        Assert.Single(provenance.Entry);
        var stored = await FhirJson.ReadAsync<QuestionnaireResponse>(await _client.GetAsync($"QuestionnaireResponse/{responseId}"));
        Assert.NotNull(stored.Text);
    }

    [Fact]
    public async Task A_transaction_whose_other_entry_fails_stores_neither_the_response_nor_what_it_yields()
    {
        var patient = NewPatient();
        var bundle = new Bundle { Type = Bundle.BundleType.Transaction };
        bundle.Entry.Add(new Bundle.EntryComponent { Resource = GoalsResponse(patient), Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "QuestionnaireResponse" } });
        bundle.Entry.Add(new Bundle.EntryComponent { Resource = new Goal { Subject = new ResourceReference($"Patient/{patient}") }, Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "Goal" } });

        var result = await _client.PostAsync(string.Empty, FhirJson.Content(bundle));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, result.StatusCode);
        Assert.Empty((await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Goal?patient=Patient/{patient}"))).Entry);
        Assert.Equal(0, (await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"QuestionnaireResponse?subject=Patient/{patient}&_summary=count"))).Total);
    }

    [Fact]
    public async Task A_conditional_submission_in_a_transaction_is_submitted_when_nothing_matches_and_returns_the_match_after()
    {
        var patient = NewPatient();
        Bundle Transaction() => new()
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                new Bundle.EntryComponent
                {
                    Resource = GoalsResponse(patient),
                    Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "QuestionnaireResponse", IfNoneExist = $"subject=Patient/{patient}" },
                },
            ],
        };

        var first = await FhirJson.ReadAsync<Bundle>(await _client.PostAsync(string.Empty, FhirJson.Content(Transaction())));
        var second = await FhirJson.ReadAsync<Bundle>(await _client.PostAsync(string.Empty, FhirJson.Content(Transaction())));

        Assert.Equal("201 Created", first.Entry.Single().Response.Status);
        Assert.Equal("200 OK", second.Entry.Single().Response.Status);
        Assert.Equal(first.Entry.Single().Response.Location, second.Entry.Single().Response.Location);
        Assert.Equal(2, (await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Goal?patient=Patient/{patient}"))).Entry.Count);
        Assert.Equal(1, (await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"QuestionnaireResponse?subject=Patient/{patient}&_summary=count"))).Total);
    }

    [Fact]
    public async Task A_completed_response_in_a_batch_is_stored_with_its_goals()
    {
        var patient = NewPatient();
        var bundle = new Bundle { Type = Bundle.BundleType.Batch };
        bundle.Entry.Add(new Bundle.EntryComponent { Resource = GoalsResponse(patient), Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = "QuestionnaireResponse" } });

        var result = await _client.PostAsync(string.Empty, FhirJson.Content(bundle));

        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        Assert.StartsWith("201", (await FhirJson.ReadAsync<Bundle>(result)).Entry.Single().Response.Status, StringComparison.Ordinal);
        Assert.Equal(2, (await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Goal?patient=Patient/{patient}"))).Entry.Count);
    }

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
