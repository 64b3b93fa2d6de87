using System.Net;
using Hl7.Fhir.Model;

namespace PatientVoice.Web.Tests.Postgres;

/// <summary>
/// The FHIR API on PostgreSQL (<c>Storage:Provider=Postgres</c>): a representative set of interactions, and
/// what only a shared database adds: two instances writing at once.
/// </summary>
public sealed class PostgresApiTests(PostgresFhirServerFixture servers) : IClassFixture<PostgresFhirServerFixture>
{
    private readonly HttpClient _first = servers.First.CreateFhirClient();
    private readonly HttpClient _second = servers.Second.CreateFhirClient();

    [Fact]
    public async Task A_goal_written_through_one_instance_is_read_updated_and_deleted_through_the_other()
    {
        var created = await _first.PostAsync("Goal", FhirJson.Content(FhirJson.Goal("p-pg-crud", "Garden again this spring")));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var goal = await FhirJson.ReadAsync<Goal>(created);

        var read = await _second.GetAsync($"Goal/{goal.Id}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        Assert.Equal("W/\"1\"", read.Headers.ETag?.ToString());

        goal.Description.Text = "Garden again this summer";
        var stale = new HttpRequestMessage(HttpMethod.Put, $"Goal/{goal.Id}") { Content = FhirJson.Content(goal) };
        stale.Headers.TryAddWithoutValidation("If-Match", "W/\"7\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await _second.SendAsync(stale)).StatusCode);
        var updated = await _second.PutAsync($"Goal/{goal.Id}", FhirJson.Content(goal));
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("2", (await FhirJson.ReadAsync<Goal>(updated)).Meta.VersionId);

        Assert.Equal(HttpStatusCode.NoContent, (await _first.DeleteAsync($"Goal/{goal.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Gone, (await _second.GetAsync($"Goal/{goal.Id}")).StatusCode);
        var first = await FhirJson.ReadAsync<Goal>(await _second.GetAsync($"Goal/{goal.Id}/_history/1"));
        Assert.Equal("Garden again this spring", first.Description.Text);
        var history = await FhirJson.ReadAsync<Bundle>(await _first.GetAsync($"Goal/{goal.Id}/_history"));
        Assert.Equal(3, history.Total);
    }

    [Fact]
    public async Task Search_pages_with_next_links_and_finds_by_patient_and_status()
    {
        var patient = "p-pg-" + Guid.NewGuid().ToString("N")[..8];
        for (var i = 0; i < 5; i++)
        {
            var goal = FhirJson.Goal(patient, $"Goal number {i}");
            goal.LifecycleStatus = i < 2 ? Goal.GoalLifecycleStatus.Active : Goal.GoalLifecycleStatus.Proposed;
            Assert.Equal(HttpStatusCode.Created, (await (i % 2 == 0 ? _first : _second).PostAsync("Goal", FhirJson.Content(goal))).StatusCode);
        }

        var seen = new List<string?>();
        var page = await FhirJson.ReadAsync<Bundle>(await _first.GetAsync($"Goal?patient=Patient/{patient}&_count=2"));
        Assert.Equal(5, page.Total);
        while (true)
        {
            seen.AddRange(page.Entry.Select(e => ((Goal)e.Resource).Description.Text));
            var next = page.Link.FirstOrDefault(l => l.Relation == "next")?.Url;
            if (next is null)
            {
                break;
            }

            page = await FhirJson.ReadAsync<Bundle>(await _second.GetAsync(new Uri(next).PathAndQuery.Replace("/fhir/", "", StringComparison.Ordinal)));
        }

        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"Goal number {i}"), seen);
        var active = await FhirJson.ReadAsync<Bundle>(await _second.GetAsync($"Goal?patient=Patient/{patient}&lifecycle-status=active"));
        Assert.Equal(2, active.Total);
    }

    [Fact]
    public async Task A_transaction_is_stored_whole_with_its_references_resolved_or_not_at_all()
    {
        var patient = "p-pg-" + Guid.NewGuid().ToString("N")[..8];
        var goalUrn = "urn:uuid:" + Guid.NewGuid();
        var good = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                Post(FhirJson.Provenance(patient, goalUrn), "urn:uuid:" + Guid.NewGuid()),
                Post(FhirJson.Goal(patient, "Cook for my family"), goalUrn),
            ],
        };

        var response = await _first.PostAsync(string.Empty, FhirJson.Content(good));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var result = await FhirJson.ReadAsync<Bundle>(response);
        var goalId = result.Entry[1].Response.Location.Split('/')[1];
        Assert.Equal($"Goal/{goalId}", ((Provenance)result.Entry[0].Resource).Target[0].Reference);
        var included = await FhirJson.ReadAsync<Bundle>(await _second.GetAsync($"Goal?_id={goalId}&_revinclude=Provenance:target"));
        Assert.Equal(2, included.Entry.Count);

        var bad = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry =
            [
                Post(FhirJson.Goal(patient, "Never stored"), null),
                new Bundle.EntryComponent
                {
                    Resource = FhirJson.Goal(patient, "Stale update"),
                    Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = $"Goal/{goalId}", IfMatch = "W/\"9\"" },
                },
            ],
        };
        ((Goal)bad.Entry[1].Resource).Id = goalId;

        Assert.Equal(HttpStatusCode.PreconditionFailed, (await _second.PostAsync(string.Empty, FhirJson.Content(bad))).StatusCode);
        var goals = await FhirJson.ReadAsync<Bundle>(await _first.GetAsync($"Goal?patient=Patient/{patient}"));
        Assert.Equal(["Cook for my family"], goals.Entry.Select(e => ((Goal)e.Resource).Description.Text));
    }

    [Fact]
    public async Task Conditional_creates_racing_on_two_instances_create_exactly_one_resource()
    {
        var identifier = Guid.NewGuid().ToString("N");

        var responses = await Task.WhenAll(Enumerable.Range(0, 12).Select(async i =>
        {
            var goal = FhirJson.Goal("p-pg-race", "Swim once a week");
            goal.Identifier = [new Identifier("urn:test", identifier)];
            var request = new HttpRequestMessage(HttpMethod.Post, "Goal") { Content = FhirJson.Content(goal) };
            request.Headers.Add("If-None-Exist", $"identifier=urn:test|{identifier}");
            var response = await (i % 2 == 0 ? _first : _second).SendAsync(request);
            return (response.StatusCode, (await FhirJson.ReadAsync<Goal>(response)).Id);
        }));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Created, HttpStatusCode.OK }));
        Assert.Single(responses.Select(r => r.Id).Distinct());
        var all = await FhirJson.ReadAsync<Bundle>(await _first.GetAsync($"Goal?identifier=urn:test|{identifier}"));
        Assert.Equal(1, all.Total);
    }

    [Fact]
    public async Task Conditional_updates_racing_on_two_instances_keep_one_resource_with_every_version()
    {
        var identifier = Guid.NewGuid().ToString("N");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            var goal = FhirJson.Goal("p-pg-race", $"Wording {i}");
            goal.Identifier = [new Identifier("urn:test", identifier)];
            var client = i % 2 == 0 ? _first : _second;
            return (await client.PutAsync($"Goal?identifier=urn:test|{identifier}", FhirJson.Content(goal))).StatusCode;
        }));

        Assert.Single(responses, s => s == HttpStatusCode.Created);
        Assert.Equal(7, responses.Count(s => s == HttpStatusCode.OK));
        var found = await FhirJson.ReadAsync<Bundle>(await _second.GetAsync($"Goal?identifier=urn:test|{identifier}"));
        var goal = (Goal)Assert.Single(found.Entry).Resource;
        Assert.Equal("8", goal.Meta.VersionId);
    }

    [Fact]
    public async Task Both_instances_seeded_the_shipped_questionnaires_once()
    {
        var found = await FhirJson.ReadAsync<Bundle>(await _second.GetAsync("Questionnaire?_summary=count"));
        var distinct = await FhirJson.ReadAsync<Bundle>(await _first.GetAsync("Questionnaire?_count=100&_elements=url,version"));

        Assert.True(found.Total >= 4, $"{found.Total} questionnaires");
        var keys = distinct.Entry.Select(e => (Questionnaire)e.Resource).Select(q => $"{q.Url}|{q.Version}").ToList();
        Assert.Equal(keys.Count, keys.Distinct().Count());
        Assert.Equal(found.Total, keys.Count);
    }

    [Fact]
    public async Task A_submitted_response_is_stored_with_its_goals_in_one_transaction()
    {
        var patient = "p-pg-" + Guid.NewGuid().ToString("N")[..8];
        var response = FhirJson.CompletedResponse("my-goals");
        response.Subject = new ResourceReference($"Patient/{patient}");
        response.Author = new ResourceReference($"Patient/{patient}");
        if (response.Source is not null)
        {
            response.Source = new ResourceReference($"Patient/{patient}");
        }

        var submitted = await _first.PostAsync("QuestionnaireResponse", FhirJson.Content(response));

        Assert.Equal(HttpStatusCode.Created, submitted.StatusCode);
        var goals = await FhirJson.ReadAsync<Bundle>(await _second.GetAsync($"Goal?patient=Patient/{patient}&_revinclude=Provenance:target"));
        Assert.Equal(2, goals.Entry.Count(e => e.Search.Mode == Bundle.SearchEntryMode.Match));
        Assert.Single(goals.Entry, e => e.Search.Mode == Bundle.SearchEntryMode.Include);
    }

    private static Bundle.EntryComponent Post(Resource resource, string? fullUrl) => new()
    {
        FullUrl = fullUrl,
        Resource = resource,
        Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = resource.TypeName },
    };
}
