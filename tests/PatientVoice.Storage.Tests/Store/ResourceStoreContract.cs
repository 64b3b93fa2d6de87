using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Testing;

namespace PatientVoice.Storage.Tests.Store;

/// <summary>
/// What every store adapter promises: versions, tombstones, history and all-or-nothing transactions.
/// Each adapter runs this suite through its own <see cref="CreateStoreAsync"/>.
/// </summary>
public abstract partial class ResourceStoreContract : IAsyncLifetime
{
    private IResourceStore? _store;

    protected IResourceStore Store => _store ?? throw new InvalidOperationException("The store is not initialized.");

    /// <summary>The store's clock (each adapter registers it as the store's <see cref="TimeProvider"/>): true time unless a test steps it.</summary>
    protected AdjustableClock Clock { get; } = new();

    /// <summary>A new, empty, initialized store.</summary>
    protected abstract Task<IResourceStore> CreateStoreAsync();

    public async Task InitializeAsync() => _store = await CreateStoreAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_created_resource_gets_an_id_version_1_and_a_millisecond_timestamp()
    {
        var stored = await WriteAsync(Goal("Walk to the park"));

        Assert.Equal("Goal", stored.ResourceType);
        Assert.False(string.IsNullOrEmpty(stored.Id));
        Assert.Equal(1, stored.VersionId);
        Assert.Equal(0, stored.LastUpdated.Ticks % TimeSpan.TicksPerMillisecond);
        var read = await Store.ReadAsync("Goal", stored.Id, default);
        Assert.NotNull(read);
        Assert.Contains("\"versionId\":\"1\"", read.Json, StringComparison.Ordinal);
        Assert.Contains("Walk to the park", read.Json, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Updates_and_deletes_add_versions_and_every_version_stays_readable()
    {
        var created = await WriteAsync(Goal("first words"));
        var goal = Goal("second words");
        goal.Id = created.Id;
        await WriteAsync(goal);
        await using (var session = await Store.BeginWriteAsync(default))
        {
            await session.DeleteAsync("Goal", created.Id, null, default);
            await session.CommitAsync(default);
        }

        var current = await Store.ReadAsync("Goal", created.Id, default);
        Assert.True(current!.IsDeleted);
        Assert.Equal(3, current.VersionId);
        Assert.Contains("first words", (await Store.ReadVersionAsync("Goal", created.Id, 1, default))!.Json, StringComparison.Ordinal);
        Assert.Contains("second words", (await Store.ReadVersionAsync("Goal", created.Id, 2, default))!.Json, StringComparison.Ordinal);
        Assert.Null((await Store.ReadVersionAsync("Goal", created.Id, 3, default))!.Json);
        Assert.Null(await Store.ReadVersionAsync("Goal", created.Id, 4, default));
    }

    [Fact]
    public async Task Writing_the_same_content_again_adds_no_version_even_with_a_stale_If_Match()
    {
        var created = await WriteAsync(Goal("same words"));
        var again = Goal("same words");
        again.Id = created.Id;

        await using var session = await Store.BeginWriteAsync(default);
        var result = await session.PutAsync(again, 7, default);
        await session.CommitAsync(default);

        Assert.True(result.Unchanged);
        Assert.Equal(1, result.Stored.VersionId);
        Assert.Equal(1, (await Store.ReadAsync("Goal", created.Id, default))!.VersionId);
    }

    [Fact]
    public async Task A_resource_can_be_written_again_after_it_was_deleted()
    {
        var created = await WriteAsync(Goal("before"));
        await using (var session = await Store.BeginWriteAsync(default))
        {
            await session.DeleteAsync("Goal", created.Id, null, default);
            await session.CommitAsync(default);
        }

        var again = Goal("after");
        again.Id = created.Id;
        await using var write = await Store.BeginWriteAsync(default);
        var result = await write.PutAsync(again, null, default);
        await write.CommitAsync(default);

        Assert.True(result.Created);
        Assert.Equal(3, result.Stored.VersionId);
    }

    [Fact]
    public async Task If_Match_on_a_version_that_is_not_current_fails_and_writes_nothing()
    {
        var created = await WriteAsync(Goal("original"));
        var edit = Goal("edited");
        edit.Id = created.Id;

        await using (var session = await Store.BeginWriteAsync(default))
        {
            await Assert.ThrowsAsync<PreconditionFailedException>(() => session.PutAsync(edit, 2, default));
        }

        Assert.Equal(1, (await Store.ReadAsync("Goal", created.Id, default))!.VersionId);
    }

    [Fact]
    public async Task A_session_disposed_without_commit_leaves_no_trace()
    {
        string id;
        await using (var session = await Store.BeginWriteAsync(default))
        {
            id = (await session.PutAsync(Goal("never committed"), null, default)).Stored.Id;
            Assert.NotNull(await session.ReadAsync("Goal", id, default));
        }

        Assert.Null(await Store.ReadAsync("Goal", id, default));
        var history = await Store.HistoryAsync(new HistoryQuery("Goal", id, null, null, 10, null), default);
        Assert.Empty(history.Entries);
    }

    [Fact]
    public async Task History_is_newest_first_and_pages_without_gaps_or_repeats()
    {
        var id = (await WriteAsync(Goal("v1"))).Id;
        for (var v = 2; v <= 5; v++)
        {
            var goal = Goal($"v{v}");
            goal.Id = id;
            await WriteAsync(goal);
        }

        var seen = new List<int>();
        long? before = null;
        do
        {
            var page = await Store.HistoryAsync(new HistoryQuery("Goal", id, null, null, 2, before), default);
            Assert.Equal(5, page.Total);
            seen.AddRange(page.Entries.Select(e => e.VersionId));
            before = page.NextBefore;
        }
        while (before is not null);

        Assert.Equal([5, 4, 3, 2, 1], seen);
    }

    [Fact]
    public async Task History_since_and_at_select_versions_by_time()
    {
        var id = (await WriteAsync(Goal("old"))).Id;
        await System.Threading.Tasks.Task.Delay(20);
        var middle = DateTimeOffset.UtcNow;
        await System.Threading.Tasks.Task.Delay(20);
        var goal = Goal("new");
        goal.Id = id;
        await WriteAsync(goal);

        var since = await Store.HistoryAsync(new HistoryQuery("Goal", id, middle, null, 10, null), default);
        var at = await Store.HistoryAsync(new HistoryQuery("Goal", id, null, middle, 10, null), default);

        Assert.Equal([2], since.Entries.Select(e => e.VersionId));
        Assert.Equal([1], at.Entries.Select(e => e.VersionId));
    }

    [Fact]
    public async Task Concurrent_writers_each_get_their_own_version_numbers()
    {
        var id = (await WriteAsync(Goal("shared"))).Id;

        await System.Threading.Tasks.Task.WhenAll(Enumerable.Range(0, 8).Select(async i =>
        {
            var goal = Goal($"writer {i}");
            goal.Id = id;
            await WriteAsync(goal);
        }));

        var history = await Store.HistoryAsync(new HistoryQuery("Goal", id, null, null, 100, null), default);
        Assert.Equal(Enumerable.Range(1, 9).Reverse(), history.Entries.Select(e => e.VersionId));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_look_up_inside_a_session_finds_what_a_search_finds_its_own_writes_included()
    {
        var patient = "Patient/look-up-" + Guid.NewGuid().ToString("N")[..8];
        var committed = Goal("committed before");
        committed.Subject = new ResourceReference(patient);
        await WriteAsync(committed);
        var query = new PatientVoice.Storage.Search.SearchQueryParser(new PatientVoice.Storage.Indexing.SearchParameterRegistry())
            .Parse("Goal", [new("patient", patient)], strict: true);

        await using var session = await Store.BeginWriteAsync(default);
        var own = Goal("written in this session");
        own.Subject = new ResourceReference(patient);
        var written = await session.PutAsync(own, null, default);
        var lookedUp = (await session.LookUpAsync(query, default)).Matches.Select(m => m.Id).Order().ToList();
        var searched = (await session.SearchAsync(query, default)).Matches.Select(m => m.Id).Order().ToList();

        Assert.Equal(2, lookedUp.Count);
        Assert.Contains(written.Stored.Id, lookedUp);
        Assert.Equal(searched, lookedUp);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_session_searches_its_own_creates_updates_and_deletes_and_commits_the_index_of_the_last_versions_only()
    {
        // Whatever a store does with a session's index rows (writes them at once, or holds them back to write them
        // together), a search inside the session answers from the session's latest versions, and what is committed
        // indexes the last version of each resource, nothing of a replaced or deleted version.
        var run = Guid.NewGuid().ToString("N")[..8];
        string Patient(string name) => $"Patient/{name}-{run}";
        var parser = new PatientVoice.Storage.Search.SearchQueryParser(new PatientVoice.Storage.Indexing.SearchParameterRegistry());
        PatientVoice.Storage.Search.SearchQuery Of(string patient) => parser.Parse("Goal", [new("patient", patient)], strict: true);
        static Goal For(string patient, string words)
        {
            var goal = Goal(words);
            goal.Subject = new ResourceReference(patient);
            return goal;
        }

        string moved, kept, deleted;
        await using (var session = await Store.BeginWriteAsync(default))
        {
            async Task<List<string>> SearchAsync(string patient) => [.. (await session.SearchAsync(Of(patient), default)).Matches.Select(m => m.Id).Order()];

            moved = (await session.PutAsync(For(Patient("first"), "moved twice"), null, default)).Stored.Id;
            kept = (await session.PutAsync(For(Patient("first"), "kept"), null, default)).Stored.Id;
            deleted = (await session.PutAsync(For(Patient("gone"), "deleted"), null, default)).Stored.Id;
            Assert.Equal(new[] { moved, kept }.Order(), await SearchAsync(Patient("first")));

            // Updated before anything searched, then again after a search: each time the earlier patient stops matching.
            var second = For(Patient("second"), "moved twice");
            second.Id = moved;
            await session.PutAsync(second, null, default);
            var third = For(Patient("third"), "moved twice");
            third.Id = moved;
            await session.PutAsync(third, null, default);
            Assert.Equal([kept], await SearchAsync(Patient("first")));
            Assert.Empty(await SearchAsync(Patient("second")));
            Assert.Equal([moved], await SearchAsync(Patient("third")));

            await session.DeleteAsync("Goal", deleted, null, default);
            Assert.Empty(await SearchAsync(Patient("gone")));
            await session.CommitAsync(default);
        }

        async Task<List<string>> CommittedAsync(string patient) => [.. (await Store.SearchAsync(Of(patient), default)).Matches.Select(m => m.Id).Order()];
        Assert.Equal([kept], await CommittedAsync(Patient("first")));
        Assert.Empty(await CommittedAsync(Patient("second")));
        Assert.Equal([moved], await CommittedAsync(Patient("third")));
        Assert.Empty(await CommittedAsync(Patient("gone")));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_search_inside_a_session_includes_what_the_session_wrote_of_another_type()
    {
        // The Goal is committed before; the session writes only a Provenance of it, then searches for the Goal with
        // _revinclude: the Provenance's reference rows (another resource type than the search's) must be there to read,
        // whatever the store does with a session's index rows.
        var goalId = (await WriteAsync(Goal("with a provenance"))).Id;
        await using var session = await Store.BeginWriteAsync(default);
        var provenance = new Provenance
        {
            Target = [new ResourceReference("Goal/" + goalId)],
            Recorded = DateTimeOffset.UtcNow,
            Agent = [new Provenance.AgentComponent { Who = new ResourceReference("Patient/store-test") }],
        };
        var provenanceId = (await session.PutAsync(provenance, null, default)).Stored.Id;

        var query = new PatientVoice.Storage.Search.SearchQueryParser(new PatientVoice.Storage.Indexing.SearchParameterRegistry())
            .Parse("Goal", [new("_id", goalId), new("_revinclude", "Provenance:target")], strict: true);
        var result = await session.SearchAsync(query, default);

        Assert.Equal([goalId], result.Matches.Select(m => m.Id));
        Assert.Equal([provenanceId], result.Included.Select(i => i.Id));
    }

    protected async Task<StoredResource> WriteAsync(Resource resource)
    {
        await using var session = await Store.BeginWriteAsync(default);
        var result = await session.PutAsync(resource, null, default);
        await session.CommitAsync(default);
        return result.Stored;
    }

    protected static Goal Goal(string words) => new()
    {
        LifecycleStatus = Hl7.Fhir.Model.Goal.GoalLifecycleStatus.Proposed,
        Description = new CodeableConcept { Text = words },
        Subject = new ResourceReference("Patient/store-test"),
    };
}
