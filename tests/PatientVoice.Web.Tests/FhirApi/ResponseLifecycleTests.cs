using System.Net;
using System.Net.Http.Headers;
using Hl7.Fhir.Model;

namespace PatientVoice.Web.Tests.FhirApi;

/// <summary>A response is a draft (in-progress), then submitted (completed), then changed only as amended.</summary>
[Collection(FhirServerCollection.Name)]
public sealed class ResponseLifecycleTests(FhirServerFixture server)
{
    private readonly HttpClient _client = server.CreateFhirClient();

    [Fact]
    public async Task A_draft_is_saved_as_often_as_the_patient_likes_then_submitted_then_amended_each_as_a_new_version()
    {
        var draft = Response(QuestionnaireResponse.QuestionnaireResponseStatus.InProgress);
        var created = await FhirJson.ReadAsync<QuestionnaireResponse>(await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(draft)));

        var saved = await PutAsync(created, QuestionnaireResponse.QuestionnaireResponseStatus.InProgress, "1", "2026-11-26T10:05:00Z");
        var submitted = await PutAsync(saved, QuestionnaireResponse.QuestionnaireResponseStatus.Completed, "2");
        var amended = await PutAsync(submitted, QuestionnaireResponse.QuestionnaireResponseStatus.Amended, "3", "2026-11-28T08:00:00Z");

        Assert.Equal("4", amended.Meta.VersionId);
        var history = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"QuestionnaireResponse/{created.Id}/_history"));
        Assert.Equal(["amended", "completed", "in-progress", "in-progress"],
            history.Entry.Select(e => Hl7.Fhir.Utility.EnumUtility.GetLiteral(((QuestionnaireResponse)e.Resource).Status)));
    }

    [Fact]
    public async Task Submitting_the_same_response_again_after_a_dropped_connection_succeeds_without_a_new_version()
    {
        var draft = await FhirJson.ReadAsync<QuestionnaireResponse>(await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(Response(QuestionnaireResponse.QuestionnaireResponseStatus.InProgress))));
        var submitted = await PutAsync(draft, QuestionnaireResponse.QuestionnaireResponseStatus.Completed, "1");

        // The retry carries the same body and the If-Match of the first attempt.
        var retried = await PutAsync(draft, QuestionnaireResponse.QuestionnaireResponseStatus.Completed, "1");

        Assert.Equal("2", submitted.Meta.VersionId);
        Assert.Equal("2", retried.Meta.VersionId);
        var history = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"QuestionnaireResponse/{draft.Id}/_history"));
        Assert.Equal(2, history.Total);
    }

    [Theory]
    [InlineData(QuestionnaireResponse.QuestionnaireResponseStatus.InProgress, "cannot go back to in-progress")]
    [InlineData(QuestionnaireResponse.QuestionnaireResponseStatus.Completed, "is 'amended', not 'completed' again")]
    public async Task A_submitted_response_cannot_become_a_draft_or_be_submitted_again(QuestionnaireResponse.QuestionnaireResponseStatus next, string message)
    {
        var submitted = await FhirJson.ReadAsync<QuestionnaireResponse>(await _client.PostAsync("QuestionnaireResponse", FhirJson.Content(Response(QuestionnaireResponse.QuestionnaireResponseStatus.Completed))));
        submitted.Status = next;
        submitted.Authored = "2026-11-27T09:00:00Z";

        var response = await _client.PutAsync($"QuestionnaireResponse/{submitted.Id}", FhirJson.Content(submitted));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        Assert.Contains(message, (await FhirJson.ReadAsync<OperationOutcome>(response)).Issue[0].Diagnostics, StringComparison.Ordinal);
        Assert.Equal("1", (await FhirJson.ReadAsync<QuestionnaireResponse>(await _client.GetAsync($"QuestionnaireResponse/{submitted.Id}"))).Meta.VersionId);
    }

    private async Task<QuestionnaireResponse> PutAsync(QuestionnaireResponse current, QuestionnaireResponse.QuestionnaireResponseStatus status, string ifMatch, string? authored = null)
    {
        current.Status = status;
        current.Authored = authored ?? current.Authored;
        using var request = new HttpRequestMessage(HttpMethod.Put, $"QuestionnaireResponse/{current.Id}") { Content = FhirJson.Content(current) };
        request.Headers.IfMatch.Add(new EntityTagHeaderValue($"\"{ifMatch}\"", isWeak: true));
        var response = await _client.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return await FhirJson.ReadAsync<QuestionnaireResponse>(response);
    }

    private static QuestionnaireResponse Response(QuestionnaireResponse.QuestionnaireResponseStatus status)
    {
        var response = FhirJson.CompletedResponse("my-goals");
        response.Status = status;
        return response;
    }
}
