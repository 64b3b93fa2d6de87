using Hl7.Fhir.Model;
using Microsoft.Data.Sqlite;
using PatientVoice.Storage.Faults;
using PatientVoice.Storage.Sqlite;

namespace PatientVoice.Storage.Tests.Store;

/// <summary>
/// Group commit on the SQLite store (ADR 0035, <see cref="SqliteWriterTurn"/>): writes that commit while others wait for
/// the writer turn share one COMMIT, and each is answered only once that COMMIT is done; a write rolled back takes only
/// itself back; a write that fails in the database fails the writes sharing its transaction, and none of them is stored;
/// background work never keeps a request's write waiting. Read back on a connection of its own, as another process (or a
/// crash's survivor) would see the file.
/// </summary>
public sealed class SqliteGroupCommitTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly SqliteStoreScratch _scratch = new();

    [Fact]
    public async System.Threading.Tasks.Task Writers_waiting_for_the_turn_share_one_commit_and_each_write_is_on_disk_when_its_commit_returns()
    {
        var store = await OpenStoreAsync();
        var holder = await store.BeginWriteAsync(default);
        await holder.PutAsync(Goal("holder", "first"), null, default);
        var waiting = Enumerable.Range(0, 8).Select(w => store.BeginWriteAsync(default)).ToList();   // all wait for the turn

        var holderCommit = holder.CommitAsync(default);                                             // hands the turn on
        Assert.False(holderCommit.IsCompleted, "the holder was answered before the COMMIT of its writes");
        var writers = waiting.Select((turn, w) => System.Threading.Tasks.Task.Run(async () =>
        {
            await using var session = await turn;
            await session.PutAsync(Goal($"w{w}", "waited"), null, default);
            await session.CommitAsync(default);
            // Answered means on disk: a connection of its own sees it at once.
            Assert.True(await StoredOnDiskAsync($"w{w}"), $"w{w} not on disk when its commit returned");
        })).ToList();
        await System.Threading.Tasks.Task.WhenAll(writers).WaitAsync(Patience);
        await holderCommit.WaitAsync(Patience);
        Assert.True(await StoredOnDiskAsync("holder"));
        await holder.DisposeAsync();

        Assert.Equal(9, await CountOnDiskAsync());
        Assert.True(SharedCommits(store) >= 2, $"{SharedCommits(store)} writes shared a commit");
    }

    [Fact]
    public async System.Threading.Tasks.Task Under_concurrent_writers_every_write_is_on_disk_when_its_commit_returns()
    {
        var store = await OpenStoreAsync();
        var writers = Enumerable.Range(0, 16).Select(w => System.Threading.Tasks.Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                var id = $"w{w}-{i}";
                await WriteAsync(store, Goal(id, "concurrent"));
                Assert.True(await StoredOnDiskAsync(id), $"{id} not on disk after its commit returned");
            }
        })).ToArray();
        await System.Threading.Tasks.Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(16 * 25, await CountOnDiskAsync());
    }

    [Fact]
    public async System.Threading.Tasks.Task A_commit_handed_on_waits_for_the_next_writer_and_a_rollback_there_takes_back_only_its_own_writes()
    {
        var store = await OpenStoreAsync();
        var first = await store.BeginWriteAsync(default);
        await first.PutAsync(Goal("first", "kept"), null, default);
        var secondTurn = store.BeginWriteAsync(default);   // waits for the turn

        var firstCommit = first.CommitAsync(default);
        var second = await secondTurn.WaitAsync(Patience);  // the first handed the turn on
        Assert.False(firstCommit.IsCompleted, "the first write was answered before its COMMIT");
        Assert.False(await StoredOnDiskAsync("first"));

        await second.PutAsync(Goal("second", "rolled back"), null, default);
        Assert.NotNull(await second.ReadAsync("Goal", "first", default)); // the transaction it shares holds the first's write
        await second.DisposeAsync();                        // no commit: only its own savepoint goes
        await firstCommit.WaitAsync(Patience);
        await first.DisposeAsync();

        Assert.True(await StoredOnDiskAsync("first"));
        Assert.False(await StoredOnDiskAsync("second"));
        Assert.Equal(0, SharedCommits(store)); // the writer that rolled back committed the first one's writes, alone
        await WriteAsync(store, Goal("third", "after"));
        Assert.True(await StoredOnDiskAsync("third"));
    }

    [Fact]
    public async System.Threading.Tasks.Task The_first_write_of_a_transaction_rolled_back_leaves_nothing_and_the_next_write_starts_afresh()
    {
        var store = await OpenStoreAsync();
        await using (var first = await store.BeginWriteAsync(default))
        {
            await first.PutAsync(Goal("first", "rolled back"), null, default);
        }

        await WriteAsync(store, Goal("second", "kept"));

        Assert.False(await StoredOnDiskAsync("first"));
        Assert.True(await StoredOnDiskAsync("second"));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_write_the_disk_cannot_take_fails_the_writes_sharing_its_transaction_and_none_is_stored()
    {
        await OpenStoreAsync();
        var pages = (long)(await ScalarAsync("PRAGMA page_count"))!;
        _scratch.ReleaseStores();
        var store = await OpenStoreAsync(maxPageCount: pages + 4);

        var small = await store.BeginWriteAsync(default);
        await small.PutAsync(Goal("small", "fits"), null, default);
        var largeTurn = store.BeginWriteAsync(default);
        var smallCommit = small.CommitAsync(default);
        var large = await largeTurn.WaitAsync(Patience);
        Assert.False(smallCommit.IsCompleted);

        var tooLarge = await Assert.ThrowsAnyAsync<Exception>(() => large.PutAsync(Goal("large", new string('x', 200_000)), null, default));
        await large.DisposeAsync();
        var shared = await Assert.ThrowsAsync<SqliteGroupCommitException>(() => smallCommit.WaitAsync(Patience));
        await small.DisposeAsync();

        Assert.Equal(StoreFailureKind.Full, StoreFailure.Classify(tooLarge));
        Assert.Equal(StoreFailureKind.Full, StoreFailure.Classify(shared));
        Assert.False(await StoredOnDiskAsync("small"));
        Assert.False(await StoredOnDiskAsync("large"));

        await WriteAsync(store, Goal("after", "fits"));
        Assert.True(await StoredOnDiskAsync("after"));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_writer_that_gives_up_waiting_for_the_turn_costs_the_others_nothing()
    {
        var store = await OpenStoreAsync();
        var first = await store.BeginWriteAsync(default);
        await first.PutAsync(Goal("first", "kept"), null, default);
        using var giveUp = new CancellationTokenSource();
        var waiting = store.BeginWriteAsync(giveUp.Token);   // the first holds the turn: this one waits
        giveUp.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);

        await first.CommitAsync(default).WaitAsync(Patience);
        await first.DisposeAsync();
        Assert.True(await StoredOnDiskAsync("first"));
        await WriteAsync(store, Goal("second", "after"));
        Assert.True(await StoredOnDiskAsync("second"));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_request_write_is_not_kept_waiting_for_background_work_queued_behind_it()
    {
        var store = await OpenStoreAsync();
        var first = await store.BeginWriteAsync(default);
        await first.PutAsync(Goal("first", "request"), null, default);
        var backgroundTurn = store.BeginBackgroundWriteAsync(default);   // the audit trail, a worker: waits for the turn

        // Only background work waits: the first commits at once instead of waiting to share a commit with it.
        await first.CommitAsync(default).WaitAsync(Patience);
        Assert.True(await StoredOnDiskAsync("first"));
        await first.DisposeAsync();

        await using (var background = await backgroundTurn.WaitAsync(Patience))
        {
            await background.PutAsync(Goal("background", "audit"), null, default);
            await background.CommitAsync(default);
        }

        Assert.True(await StoredOnDiskAsync("background"));
        Assert.Equal(0, SharedCommits(store));
    }

    [Fact]
    public async System.Threading.Tasks.Task Background_work_that_takes_the_turn_first_commits_the_writes_waiting_in_the_open_transaction()
    {
        var store = await OpenStoreAsync();
        var first = await store.BeginWriteAsync(default);
        await first.PutAsync(Goal("first", "request"), null, default);
        var backgroundTurn = store.BeginBackgroundWriteAsync(default);   // first in line for the turn
        var requestTurn = store.BeginWriteAsync(default);                // a request's write after it

        var firstCommit = first.CommitAsync(default);                    // a request waits: the turn is handed on
        var background = await backgroundTurn.WaitAsync(Patience);
        // The background session has the turn and has not written yet: the first's write is committed already.
        await firstCommit.WaitAsync(Patience);
        Assert.True(await StoredOnDiskAsync("first"));
        await first.DisposeAsync();

        // Background work may share its commit with the request's write waiting behind it (it waits; the request does not).
        await background.PutAsync(Goal("background", "batch"), null, default);
        var backgroundCommit = background.CommitAsync(default);
        await using (var request = await requestTurn.WaitAsync(Patience))
        {
            await request.PutAsync(Goal("request", "after"), null, default);
            await request.CommitAsync(default);
        }

        await backgroundCommit.WaitAsync(Patience);
        await background.DisposeAsync();
        Assert.Equal(3, await CountOnDiskAsync());
    }

    [Fact]
    public async System.Threading.Tasks.Task Without_group_commit_each_write_commits_alone()
    {
        var store = await OpenStoreAsync(groupCommit: false);
        var first = await store.BeginWriteAsync(default);
        await first.PutAsync(Goal("first", "alone"), null, default);
        var secondTurn = store.BeginWriteAsync(default);
        await first.CommitAsync(default).WaitAsync(Patience);
        Assert.True(await StoredOnDiskAsync("first"));
        await first.DisposeAsync();
        await using (var second = await secondTurn.WaitAsync(Patience))
        {
            await second.PutAsync(Goal("second", "alone"), null, default);
            await second.CommitAsync(default);
        }

        Assert.True(await StoredOnDiskAsync("second"));
        Assert.Equal(0, SharedCommits(store));
    }

    public void Dispose() => _scratch.Dispose();

    private Task<IResourceStore> OpenStoreAsync(long? maxPageCount = null, bool groupCommit = true)
        => _scratch.OpenStoreAsync(o =>
        {
            o.MaxPageCount = maxPageCount;
            o.GroupCommit = groupCommit;
        });

    private static long SharedCommits(IResourceStore store) => Assert.IsType<SqliteResourceStore>(store).SharedCommits;

    private static async System.Threading.Tasks.Task WriteAsync(IResourceStore store, Goal goal)
    {
        await using var session = await store.BeginWriteAsync(default);
        await session.PutAsync(goal, null, default);
        await session.CommitAsync(default);
    }

    private async Task<bool> StoredOnDiskAsync(string id)
    {
        await using var connection = new SqliteConnection($"Data Source={_scratch.DatabasePath};Pooling=False;Mode=ReadOnly");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM resource WHERE resource_type = 'Goal' AND resource_id = $id";
        command.Parameters.AddWithValue("$id", id);
        return (long)(await command.ExecuteScalarAsync())! == 1;
    }

    private async Task<long> CountOnDiskAsync() => (long)(await ScalarAsync("SELECT COUNT(*) FROM resource WHERE resource_type = 'Goal'"))!;

    private Task<object?> ScalarAsync(string sql) => _scratch.ScalarAsync(sql);

    private static Goal Goal(string id, string text) => new()
    {
        Id = id,
        LifecycleStatus = Hl7.Fhir.Model.Goal.GoalLifecycleStatus.Proposed,
        Description = new CodeableConcept { Text = text },
        Subject = new ResourceReference("Patient/p"),
    };
}
