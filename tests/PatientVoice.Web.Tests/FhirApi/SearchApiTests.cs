using System.Net;
using Hl7.Fhir.Model;

namespace PatientVoice.Web.Tests.FhirApi;

[Collection(FhirServerCollection.Name)]
public sealed class SearchApiTests(FhirServerFixture server)
{
    private readonly HttpClient _client = server.CreateFhirClient();

    [Fact]
    public async Task Goals_are_found_by_patient_and_paged_with_next_and_previous_links_that_repeat_the_search()
    {
        var patient = "p-" + Guid.NewGuid().ToString("N");
        for (var i = 0; i < 5; i++)
        {
            await _client.PostAsync("Goal", FhirJson.Content(FhirJson.Goal(patient, $"goal {i}")));
        }

        await _client.PostAsync("Goal", FhirJson.Content(FhirJson.Goal("someone-else", "not mine")));

        var first = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Goal?patient=Patient/{patient}&_count=2"));

        Assert.Equal(Bundle.BundleType.Searchset, first.Type);
        Assert.Equal(5, first.Total);
        Assert.Equal(["goal 0", "goal 1"], first.Entry.Select(e => ((Goal)e.Resource).Description.Text));
        Assert.All(first.Entry, e => Assert.Equal(Bundle.SearchEntryMode.Match, e.Search.Mode));
        Assert.Contains($"patient=Patient%2F{patient}", first.Link.Single(l => l.Relation == "self").Url, StringComparison.Ordinal);

        // A goal created between page requests does not shift the pages already seen.
        await _client.PostAsync("Goal", FhirJson.Content(FhirJson.Goal(patient, "goal 5")));
        var second = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync(first.Link.Single(l => l.Relation == "next").Url));
        Assert.Equal(["goal 2", "goal 3"], second.Entry.Select(e => ((Goal)e.Resource).Description.Text));

        var back = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync(second.Link.Single(l => l.Relation == "previous").Url));
        Assert.Equal(["goal 0", "goal 1"], back.Entry.Select(e => ((Goal)e.Resource).Description.Text));
    }

    [Fact]
    public async Task Search_by_post_to_search_finds_what_the_get_finds()
    {
        var patient = "p-" + Guid.NewGuid().ToString("N");
        await _client.PostAsync("Goal", FhirJson.Content(FhirJson.Goal(patient, "Play with my grandchildren")));

        var response = await _client.PostAsync("Goal/_search", new FormUrlEncodedContent([new("patient", $"Patient/{patient}")]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bundle = await FhirJson.ReadAsync<Bundle>(response);
        Assert.Equal("Play with my grandchildren", ((Goal)Assert.Single(bundle.Entry).Resource).Description.Text);
    }

    [Fact]
    public async Task A_searchset_holds_each_resource_exactly_as_a_read_returns_it_in_the_patients_own_words_and_elements_still_narrow_it()
    {
        var patient = "p-" + Guid.NewGuid().ToString("N");
        var words = "Danser à la fête de ma petite-fille — 孫と遊ぶ \"ohne\" Schmerzen \\ 🙂";
        var created = await _client.PostAsync("Goal", FhirJson.Content(FhirJson.Goal(patient, words)));
        var id = (await FhirJson.ReadAsync<Goal>(created)).Id;
        var read = await (await _client.GetAsync($"Goal/{id}")).Content.ReadAsStringAsync();

        var searchset = await (await _client.GetAsync($"Goal?patient=Patient/{patient}")).Content.ReadAsStringAsync();

        var entry = System.Text.Json.Nodes.JsonNode.Parse(searchset)!["entry"]!.AsArray().Single()!.AsObject();
        Assert.Equal(["fullUrl", "resource", "search"], entry.Select(p => p.Key));
        Assert.Equal(read, entry["resource"]!.ToJsonString(PatientVoice.Fhir.Serialization.FhirSerializer.NodeOptions));
        Assert.Equal(words, ((Goal)(await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Goal?patient=Patient/{patient}"))).Entry.Single().Resource).Description.Text);

        var narrowed = System.Text.Json.Nodes.JsonNode.Parse(await (await _client.GetAsync($"Goal?patient=Patient/{patient}&_elements=subject")).Content.ReadAsStringAsync())!;
        var resource = narrowed["entry"]![0]!["resource"]!.AsObject();
        Assert.True(resource.Count < System.Text.Json.Nodes.JsonNode.Parse(read)!.AsObject().Count, resource.ToJsonString());
        Assert.Equal($"Patient/{patient}", resource["subject"]!["reference"]!.GetValue<string>());
    }

    [Fact]
    public async Task Summary_count_returns_only_the_total()
    {
        var patient = "p-" + Guid.NewGuid().ToString("N");
        await _client.PostAsync("Goal", FhirJson.Content(FhirJson.Goal(patient, "a")));
        await _client.PostAsync("Goal", FhirJson.Content(FhirJson.Goal(patient, "b")));

        var bundle = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Goal?patient={patient}&_summary=count"));

        Assert.Equal(2, bundle.Total);
        Assert.Empty(bundle.Entry);
    }

    [Fact]
    public async Task Revinclude_brings_the_provenance_of_each_goal_marked_as_include()
    {
        var patient = "p-" + Guid.NewGuid().ToString("N");
        var goal = await FhirJson.ReadAsync<Goal>(await _client.PostAsync("Goal", FhirJson.Content(FhirJson.Goal(patient, "Hike again"))));
        await _client.PostAsync("Provenance", FhirJson.Content(FhirJson.Provenance($"{patient}", $"Goal/{goal.Id}")));

        var bundle = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Goal?patient={patient}&_revinclude=Provenance:target"));

        Assert.Equal(1, bundle.Total);
        Assert.Equal(2, bundle.Entry.Count);
        var included = bundle.Entry.Single(e => e.Search.Mode == Bundle.SearchEntryMode.Include);
        Assert.IsType<Provenance>(included.Resource);
    }

    [Fact]
    public async Task Unknown_parameters_are_ignored_unless_the_client_asks_for_strict_handling()
    {
        var lenient = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync("Goal?favourite-colour=blue&_count=1"));
        Assert.DoesNotContain("favourite-colour", lenient.Link.Single(l => l.Relation == "self").Url, StringComparison.Ordinal);

        using var strict = new HttpRequestMessage(HttpMethod.Get, "Goal?favourite-colour=blue");
        strict.Headers.Add("Prefer", "handling=strict");
        var response = await _client.SendAsync(strict);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("favourite-colour", (await FhirJson.ReadAsync<OperationOutcome>(response)).Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Goal?start-date=yesterday")]
    [InlineData("Goal?start-date=xx2020")]
    [InlineData("Goal?_count=many")]
    [InlineData("Goal?lifecycle-status:fuzzy=proposed")]
    [InlineData("Goal?_cursor=not-a-cursor")]
    public async Task A_malformed_search_value_is_a_400_that_says_what_is_wrong(string url)
    {
        var response = await _client.GetAsync(url);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty((await FhirJson.ReadAsync<OperationOutcome>(response)).Issue[0].Diagnostics);
    }

    [Fact]
    public async Task Search_results_can_be_had_as_xml()
    {
        var response = await _client.GetAsync("Goal?_count=1&_format=xml");

        Assert.Equal("application/fhir+xml", response.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("<Bundle", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
