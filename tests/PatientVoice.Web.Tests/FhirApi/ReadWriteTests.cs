using System.Net;
using System.Net.Http.Headers;
using Hl7.Fhir.Model;

namespace PatientVoice.Web.Tests.FhirApi;

[Collection(FhirServerCollection.Name)]
public sealed class ReadWriteTests(FhirServerFixture server)
{
    private readonly HttpClient _client = server.CreateFhirClient();

    [Fact]
    public async Task Creating_a_goal_assigns_id_version_and_time_and_answers_with_location_and_etag()
    {
        var response = await _client.PostAsync("Goal", FhirJson.Content(FhirJson.Goal("p-create", "Walk to the park with my grandson")));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var goal = await FhirJson.ReadAsync<Goal>(response);
        Assert.False(string.IsNullOrEmpty(goal.Id));
        Assert.Equal("1", goal.Meta.VersionId);
        Assert.NotNull(goal.Meta.LastUpdated);
        Assert.Equal("Walk to the park with my grandson", goal.Description.Text);
        Assert.Equal($"http://localhost/fhir/Goal/{goal.Id}/_history/1", response.Headers.Location!.ToString());
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
        Assert.NotNull(response.Content.Headers.LastModified);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task An_id_in_a_created_body_is_replaced_by_the_servers()
    {
        var goal = FhirJson.Goal("p-id", "Sleep through the night");
        goal.Id = "client-chosen";

        var created = await FhirJson.ReadAsync<Goal>(await _client.PostAsync("Goal", FhirJson.Content(goal)));

        Assert.NotEqual("client-chosen", created.Id);
    }

    [Fact]
    public async Task Updating_adds_a_version_and_every_version_stays_readable()
    {
        var created = await FhirJson.ReadAsync<Goal>(await _client.PostAsync("Goal", FhirJson.Content(FhirJson.Goal("p-update", "Cook for my family again"))));
        created.Description.Text = "Cook Sunday dinner for my family again";

        var update = await _client.PutAsync($"Goal/{created.Id}", FhirJson.Content(created));

        Assert.Equal(HttpStatusCode.OK, update.StatusCode);
        Assert.Equal("W/\"2\"", update.Headers.ETag!.ToString());
        var current = await FhirJson.ReadAsync<Goal>(await _client.GetAsync($"Goal/{created.Id}"));
        Assert.Equal("2", current.Meta.VersionId);
        Assert.Equal("Cook Sunday dinner for my family again", current.Description.Text);
        var first = await FhirJson.ReadAsync<Goal>(await _client.GetAsync($"Goal/{created.Id}/_history/1"));
        Assert.Equal("Cook for my family again", first.Description.Text);
    }

    [Fact]
    public async Task An_update_with_a_stale_If_Match_is_refused_with_412_and_changes_nothing()
    {
        var created = await FhirJson.ReadAsync<Goal>(await _client.PostAsync("Goal", FhirJson.Content(FhirJson.Goal("p-ifmatch", "Garden without pain"))));
        created.Description.Text = "first edit";
        using (var first = new HttpRequestMessage(HttpMethod.Put, $"Goal/{created.Id}") { Content = FhirJson.Content(created) })
        {
            first.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"", isWeak: true));
            Assert.Equal(HttpStatusCode.OK, (await _client.SendAsync(first)).StatusCode);
        }

        created.Description.Text = "second edit from an old copy";
        using var stale = new HttpRequestMessage(HttpMethod.Put, $"Goal/{created.Id}") { Content = FhirJson.Content(created) };
        stale.Headers.IfMatch.Add(new EntityTagHeaderValue("\"1\"", isWeak: true));
        var response = await _client.SendAsync(stale);

        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        var outcome = await FhirJson.ReadAsync<OperationOutcome>(response);
        Assert.Contains("current version is 2", outcome.Issue[0].Diagnostics, StringComparison.Ordinal);
        var current = await FhirJson.ReadAsync<Goal>(await _client.GetAsync($"Goal/{created.Id}"));
        Assert.Equal("first edit", current.Description.Text);
    }

    [Fact]
    public async Task An_update_that_changes_nothing_adds_no_version()
    {
        var created = await FhirJson.ReadAsync<Goal>(await _client.PostAsync("Goal", FhirJson.Content(FhirJson.Goal("p-same", "Paint again"))));

        var response = await _client.PutAsync($"Goal/{created.Id}", FhirJson.Content(created));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("W/\"1\"", response.Headers.ETag!.ToString());
        Assert.Equal(1, (await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Goal/{created.Id}/_history"))).Total);
    }

    [Fact]
    public async Task Update_of_an_unknown_id_creates_the_resource_with_that_id()
    {
        var goal = FhirJson.Goal("p-upsert", "Dance at my daughter's wedding");
        goal.Id = "goal-upsert-1";

        var response = await _client.PutAsync("Goal/goal-upsert-1", FhirJson.Content(goal));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("Goal/goal-upsert-1")).StatusCode);
    }

    [Theory]
    [InlineData("Goal/other-id", "does not match the id in the URL")]
    [InlineData("Observation/goal-mismatch", "the URL is for Observation")]
    public async Task An_update_whose_body_does_not_match_the_url_is_a_400(string url, string message)
    {
        var goal = FhirJson.Goal("p-mismatch", "Walk my dog");
        goal.Id = "goal-mismatch";

        var response = await _client.PutAsync(url, FhirJson.Content(goal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(message, (await FhirJson.ReadAsync<OperationOutcome>(response)).Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_deleted_resource_reads_as_gone_and_its_history_keeps_every_version()
    {
        var created = await FhirJson.ReadAsync<Goal>(await _client.PostAsync("Goal", FhirJson.Content(FhirJson.Goal("p-delete", "Stop smoking"))));
        created.Description.Text = "Stop smoking by my birthday";
        await _client.PutAsync($"Goal/{created.Id}", FhirJson.Content(created));

        var delete = await _client.DeleteAsync($"Goal/{created.Id}");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await _client.GetAsync($"Goal/{created.Id}")).StatusCode);
        var history = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Goal/{created.Id}/_history"));
        Assert.Equal(Bundle.BundleType.History, history.Type);
        Assert.Equal(3, history.Total);
        Assert.Equal(["DELETE", "PUT", "POST"], history.Entry.Select(e => e.Request.Method.ToString()));
        Assert.Null(history.Entry[0].Resource);
        Assert.Equal("2", history.Entry[1].Resource.Meta.VersionId);
        Assert.Equal(HttpStatusCode.Gone, (await _client.GetAsync($"Goal/{created.Id}/_history/3")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync($"Goal/{created.Id}/_history/1")).StatusCode);
    }

    [Fact]
    public async Task Deleting_twice_or_deleting_the_unknown_succeeds_without_adding_versions()
    {
        var created = await FhirJson.ReadAsync<Goal>(await _client.PostAsync("Goal", FhirJson.Content(FhirJson.Goal("p-delete2", "Swim again"))));
        await _client.DeleteAsync($"Goal/{created.Id}");

        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync($"Goal/{created.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _client.DeleteAsync("Goal/never-existed")).StatusCode);
        var history = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Goal/{created.Id}/_history"));
        Assert.Equal(2, history.Total);
    }

    [Fact]
    public async Task Type_history_pages_newest_first_with_a_next_link_and_honours_since()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        for (var i = 0; i < 5; i++)
        {
            await _client.PostAsync("List", FhirJson.Content(new List { Status = List.ListStatus.Current, Mode = ListMode.Working, Title = $"agenda {i}" }));
        }

        var first = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"List/_history?_count=2&_since={Uri.EscapeDataString(before.ToString("yyyy-MM-ddTHH:mm:ss.fffzzz"))}"));

        Assert.Equal(5, first.Total);
        Assert.Equal(2, first.Entry.Count);
        Assert.Equal("agenda 4", ((List)first.Entry[0].Resource).Title);
        var next = first.Link.Single(l => l.Relation == "next").Url;
        var second = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync(next));
        Assert.Equal(["agenda 2", "agenda 1"], second.Entry.Select(e => ((List)e.Resource).Title));
    }

    [Fact]
    public async Task Prefer_minimal_returns_no_body_and_Prefer_OperationOutcome_returns_an_outcome()
    {
        using var minimal = new HttpRequestMessage(HttpMethod.Post, "Goal") { Content = FhirJson.Content(FhirJson.Goal("p-prefer", "Read to my kids")) };
        minimal.Headers.Add("Prefer", "return=minimal");
        var response = await _client.SendAsync(minimal);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
        Assert.NotNull(response.Headers.Location);

        using var outcome = new HttpRequestMessage(HttpMethod.Post, "Goal") { Content = FhirJson.Content(FhirJson.Goal("p-prefer", "Read to my kids")) };
        outcome.Headers.Add("Prefer", "return=OperationOutcome");
        var outcomeResponse = await _client.SendAsync(outcome);
        var body = await FhirJson.ReadAsync<OperationOutcome>(outcomeResponse);
        Assert.Equal(OperationOutcome.IssueSeverity.Information, body.Issue[0].Severity);
        Assert.StartsWith("Created Goal/", body.Issue[0].Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_read_with_the_current_etag_in_If_None_Match_is_304()
    {
        var created = await FhirJson.ReadAsync<Goal>(await _client.PostAsync("Goal", FhirJson.Content(FhirJson.Goal("p-304", "Play golf"))));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"Goal/{created.Id}");
        request.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"1\"", isWeak: true));

        Assert.Equal(HttpStatusCode.NotModified, (await _client.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task Xml_in_and_out_round_trips_the_patients_words()
    {
        const string xml = """
            <Goal xmlns="http://hl7.org/fhir">
              <lifecycleStatus value="proposed"/>
              <category><coding><system value="http://loinc.org"/><code value="87528-6"/></coding></category>
              <description><text value="Volver a caminar sin dolor — con mis nietos"/></description>
              <subject><reference value="Patient/p-xml"/></subject>
              <expressedBy><reference value="Patient/p-xml"/></expressedBy>
            </Goal>
            """;
        using var request = new HttpRequestMessage(HttpMethod.Post, "Goal") { Content = FhirJson.Content(xml, "application/fhir+xml") };
        request.Headers.Accept.Clear();
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/fhir+xml"));

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("application/fhir+xml", response.Content.Headers.ContentType!.MediaType);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("Volver a caminar sin dolor — con mis nietos", body, StringComparison.Ordinal);
        var asJson = await _client.GetAsync(response.Headers.Location!.AbsolutePath.Replace("/fhir/", string.Empty, StringComparison.Ordinal) + "?_format=json&_pretty=true");
        var text = await asJson.Content.ReadAsStringAsync();
        Assert.Contains("\n", text, StringComparison.Ordinal);
        Assert.Contains("Volver a caminar sin dolor — con mis nietos", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summary_and_elements_subset_the_resource_and_mark_it()
    {
        var created = await FhirJson.ReadAsync<Goal>(await _client.PostAsync("Goal", FhirJson.Content(FhirJson.Goal("p-elements", "Ride my bike to work"))));

        var subset = await FhirJson.ReadAsync<Goal>(await _client.GetAsync($"Goal/{created.Id}?_elements=description"));

        Assert.Equal("Ride my bike to work", subset.Description.Text);
        Assert.Null(subset.ExpressedBy);
        Assert.Contains(subset.Meta.Tag, t => t.Code == "SUBSETTED");
    }
}
