using System.Net;
using Hl7.Fhir.Model;

namespace PatientVoice.Web.Tests.FhirApi;

/// <summary>Bad input gets a clear OperationOutcome with the right status, and nothing is stored.</summary>
[Collection(FhirServerCollection.Name)]
public sealed class ErrorTests(FhirServerFixture server)
{
    private readonly HttpClient _client = server.CreateFhirClient();

    public static TheoryData<string, string, string, string, HttpStatusCode> BadRequests => new()
    {
        // method, url, media type, body, expected
        { "POST", "Goal", "application/fhir+json", "{\"resourceType\":\"Goal\",", HttpStatusCode.BadRequest },
        { "POST", "Goal", "application/fhir+json", "[1,2,3]", HttpStatusCode.BadRequest },
        { "POST", "Goal", "application/fhir+json", "", HttpStatusCode.BadRequest },
        { "POST", "Goal", "application/fhir+xml", "<Goal xmlns=\"http://hl7.org/fhir\"><lifecycleStatus", HttpStatusCode.BadRequest },
        { "POST", "Goal", "application/fhir+json", "{\"resourceType\":\"Goal\",\"lifecycleStatus\":\"proposed\",\"description\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/1\"},\"mood\":\"happy\"}", HttpStatusCode.BadRequest },
        { "POST", "Goal", "application/fhir+json", "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"text\":\"x\"}}", HttpStatusCode.BadRequest },
        { "POST", "Goal", "application/fhir+json", "{\"resourceType\":\"Goal\",\"lifecycleStatus\":\"proposed\"}", HttpStatusCode.UnprocessableEntity },
        { "POST", "Goal", "application/fhir+json", "{\"resourceType\":\"Goal\",\"lifecycleStatus\":\"someday\",\"description\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/1\"}}", HttpStatusCode.UnprocessableEntity },
        { "POST", "Goal", "text/plain", "walk more", HttpStatusCode.UnsupportedMediaType },
        { "POST", "Patient", "application/fhir+json", "{\"resourceType\":\"Patient\"}", HttpStatusCode.NotFound },
        { "POST", "Banana", "application/fhir+json", "{}", HttpStatusCode.NotFound },
        { "GET", "Goal/does-not-exist", "", "", HttpStatusCode.NotFound },
        { "GET", "Goal/does-not-exist/_history/1", "", "", HttpStatusCode.NotFound },
        { "GET", "Goal/x/_history/abc", "", "", HttpStatusCode.NotFound },
        { "GET", "Goal/_history?_count=-1", "", "", HttpStatusCode.BadRequest },
        { "GET", "Goal/_history?_since=yesterday", "", "", HttpStatusCode.BadRequest },
        { "GET", "Goal/_history?_format=pdf", "", "", HttpStatusCode.NotAcceptable },
        { "GET", "Goal/x?_summary=maybe", "", "", HttpStatusCode.BadRequest },
        { "POST", "", "application/fhir+json", "{\"resourceType\":\"Bundle\",\"type\":\"collection\"}", HttpStatusCode.BadRequest },
        { "POST", "", "application/fhir+json", "{\"resourceType\":\"Goal\",\"lifecycleStatus\":\"proposed\",\"description\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/1\"}}", HttpStatusCode.BadRequest },
        { "PUT", "Goal/abc", "application/fhir+json", "{\"resourceType\":\"Goal\",\"lifecycleStatus\":\"proposed\",\"description\":{\"text\":\"x\"},\"subject\":{\"reference\":\"Patient/1\"}}", HttpStatusCode.BadRequest },
        { "GET", "nothing/here/at/all/really", "", "", HttpStatusCode.NotFound },
        { "PATCH", "Goal/some-id", "application/fhir+json", "{}", HttpStatusCode.MethodNotAllowed },
        { "DELETE", "Goal?_count=1", "", "", HttpStatusCode.BadRequest },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_answered_with_an_OperationOutcome_and_the_right_status(string method, string url, string mediaType, string body, HttpStatusCode expected)
    {
        var goalsBefore = await CountGoalVersionsAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (mediaType.Length > 0)
        {
            request.Content = FhirJson.Content(body, mediaType);
        }

        var response = await _client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        var outcome = await FhirJson.ReadAsync<OperationOutcome>(response);
        Assert.NotEmpty(outcome.Issue);
        Assert.All(outcome.Issue, i => Assert.False(string.IsNullOrWhiteSpace(i.Diagnostics)));
        Assert.DoesNotContain("   at ", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(goalsBefore, await CountGoalVersionsAsync());
    }

    [Fact]
    public async Task A_body_over_the_limit_is_a_413()
    {
        var goal = FhirJson.Goal("p-big", new string('a', 300 * 1024));

        var response = await _client.PostAsync("Goal", FhirJson.Content(goal));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("limit", (await FhirJson.ReadAsync<OperationOutcome>(response)).Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_streamed_body_over_the_limit_is_a_413_without_a_declared_length()
    {
        var goal = FhirJson.Goal("p-big-streamed", new string('a', 300 * 1024));

        var response = await _client.PostAsync("Goal", Streamed(goal));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("limit", (await FhirJson.ReadAsync<OperationOutcome>(response)).Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_streamed_body_read_in_many_pieces_is_stored_whole()
    {
        // 200 KiB of text, under the 256 KiB limit: more than a dozen of the body reader's 16 KiB reads, no Content-Length.
        var text = string.Concat(Enumerable.Range(0, 200 * 1024 / 8).Select(i => (i % 10_000_000).ToString("D7", System.Globalization.CultureInfo.InvariantCulture) + " "));
        var goal = FhirJson.Goal("p-long-streamed", text);

        var response = await _client.PostAsync("Goal", Streamed(goal));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var stored = await FhirJson.ReadAsync<Goal>(await _client.GetAsync(response.Headers.Location));
        Assert.Equal(text, stored.Description.Text);
    }

    // No Content-Length: the client sends the body chunked, so only the reader's own count holds it to the limit.
    private static StreamContent Streamed(Resource resource)
    {
        var json = PatientVoice.Fhir.Serialization.FhirSerializer.ToJson(resource);
        var content = new StreamContent(new NonSeekableStream(System.Text.Encoding.UTF8.GetBytes(json)));
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/fhir+json");
        return content;
    }

    private sealed class NonSeekableStream(byte[] bytes) : MemoryStream(bytes)
    {
        public override bool CanSeek => false;
    }

    [Fact]
    public async Task An_invalid_resource_names_the_element_that_is_wrong()
    {
        var response = await _client.PostAsync("Goal", FhirJson.Content("{\"resourceType\":\"Goal\",\"lifecycleStatus\":\"proposed\",\"subject\":{\"reference\":\"Patient/1\"}}"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var outcome = await FhirJson.ReadAsync<OperationOutcome>(response);
        Assert.Contains(outcome.Issue, i => i.Expression.Contains("Goal.description"));
    }

    private async Task<int> CountGoalVersionsAsync()
        => (await FhirJson.ReadAsync<Bundle>(await _client.GetAsync("Goal/_history?_count=1"))).Total ?? -1;
}
