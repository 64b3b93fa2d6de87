using Hl7.Fhir.Model;
using Microsoft.Data.Sqlite;
using PatientVoice.Storage.Sqlite;

namespace PatientVoice.Storage.Tests.Store;

/// <summary>
/// The SQLite store's checkpointer (ADR 0036): the WAL is copied back into the database file outside the writer turn,
/// started afresh often enough that it stays bounded under steady concurrent writes, every committed write is in the
/// file afterwards, and the checkpointer stops and lets the file go with its store.
/// </summary>
public sealed class SqliteCheckpointerTests : IDisposable
{
    private const int CheckpointPages = 64;
    private const int Writes = 1500;
    private const long FrameBytes = 4096 + 24; // a WAL frame: its header and one page

    private readonly SqliteStoreScratch _scratch = new();

    private string DatabasePath => _scratch.DatabasePath;

    [Fact]
    public async Task Under_steady_concurrent_writes_the_wal_is_checkpointed_in_the_background_and_stays_bounded()
    {
        var store = await OpenStoreAsync(backgroundCheckpoint: true);
        var largestWal = await WriteConcurrentlyAsync(store);

        var checkpointer = Assert.IsType<SqliteResourceStore>(store).Checkpointer;
        Assert.NotNull(checkpointer);
        Assert.True(checkpointer.Passes > 0, "no checkpoint ran outside the writer turn");
        Assert.True(checkpointer.Completions > 0, "the WAL was never started afresh");
        Assert.Equal(0, checkpointer.Failures);

        // Without restarts the WAL would hold every page written to it (~24,700 here). How far it grows past the threshold
        // depends on how fast a pass copies, i.e. the disk and the machine's load (measured: 731-1,747 pages alone, up to
        // 3,020 beside a create benchmark and two more copies of this test), so the claim is that it was started afresh
        // again and again, not a size: it never held a third of what was written.
        var largestFrames = largestWal / FrameBytes;
        Assert.True(largestFrames * 3 <= checkpointer.PagesWritten, $"the WAL grew to {largestFrames} pages of the {checkpointer.PagesWritten} written");
        await AssertAllStoredAsync();
    }

    [Fact]
    public async Task With_the_background_checkpoint_off_sqlite_checkpoints_in_the_commit_and_the_wal_stays_bounded_too()
    {
        var store = await OpenStoreAsync(backgroundCheckpoint: false);
        var largestWal = await WriteConcurrentlyAsync(store);

        // SQLite's own checkpoint runs in the commit that crosses the threshold and holds the writers meanwhile: the WAL
        // is at most the threshold and one transaction's pages, a few times over to allow for readers.
        Assert.Null(Assert.IsType<SqliteResourceStore>(store).Checkpointer);
        var bound = 4 * CheckpointPages * FrameBytes;
        Assert.True(largestWal <= bound, $"the WAL grew to {largestWal} bytes (bound {bound})");
        await AssertAllStoredAsync();
    }

    [Fact]
    public async Task The_checkpointer_stops_with_its_store_and_lets_the_file_go()
    {
        var store = await OpenStoreAsync(backgroundCheckpoint: true);
        await WriteConcurrentlyAsync(store);
        var checkpointer = Assert.IsType<SqliteResourceStore>(store).Checkpointer!;

        _scratch.ReleaseStores();

        Assert.False(checkpointer.IsRunning);
        if (OperatingSystem.IsLinux())
        {
            Assert.DoesNotContain(SqliteStoreScratch.OpenFilesOfThisProcess(), f => f.StartsWith(DatabasePath, StringComparison.Ordinal));
        }

        // The last connection closed folded the WAL into the file: everything is in it.
        Assert.False(File.Exists(DatabasePath + "-wal") && new FileInfo(DatabasePath + "-wal").Length > 0, "the WAL was left behind with pages in it");
        await AssertAllStoredAsync();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void A_checkpoint_threshold_below_one_page_is_refused_with_the_setting_named(int pages)
    {
        var options = Microsoft.Extensions.Options.Options.Create(new SqliteStoreOptions { Path = DatabasePath, CheckpointPages = pages });
        var refused = Assert.Throws<ArgumentException>(() => new SqliteResourceStore(
            options, new PatientVoice.Storage.Indexing.SearchIndexer(new PatientVoice.Storage.Indexing.SearchParameterRegistry()), TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<SqliteResourceStore>.Instance));
        Assert.Contains("Storage:Sqlite:CheckpointPages", refused.Message, StringComparison.Ordinal);
    }

    // Eight writers at once, each write its own transaction; returns the largest size the WAL file reached.
    private async Task<long> WriteConcurrentlyAsync(IResourceStore store)
    {
        long largest = 0;
        using var watching = new CancellationTokenSource();
        var watcher = System.Threading.Tasks.Task.Run(async () =>
        {
            while (!watching.IsCancellationRequested)
            {
                var wal = new FileInfo(DatabasePath + "-wal");
                if (wal.Exists)
                {
                    largest = Math.Max(largest, wal.Length);
                }

                await System.Threading.Tasks.Task.Delay(5);
            }
        });

        await Parallel.ForEachAsync(Enumerable.Range(0, Writes), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            await using var session = await store.BeginWriteAsync(ct);
            await session.PutAsync(Goal($"g-{i}", $"goal number {i} {new string('x', 1500)}"), null, ct);
            await session.CommitAsync(ct);
        });

        // Let the last pass finish before the WAL's size is judged.
        await System.Threading.Tasks.Task.Delay(200);
        await watching.CancelAsync();
        await watcher;
        var last = new FileInfo(DatabasePath + "-wal");
        return Math.Max(largest, last.Exists ? last.Length : 0);
    }

    private async System.Threading.Tasks.Task AssertAllStoredAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM resource WHERE resource_type = 'Goal'";
        Assert.Equal((long)Writes, (long)(await command.ExecuteScalarAsync())!);
        command.CommandText = "PRAGMA integrity_check";
        Assert.Equal("ok", (string)(await command.ExecuteScalarAsync())!);
    }

    public void Dispose() => _scratch.Dispose();

    private Task<IResourceStore> OpenStoreAsync(bool backgroundCheckpoint) => _scratch.OpenStoreAsync(o =>
    {
        o.BackgroundCheckpoint = backgroundCheckpoint;
        o.CheckpointPages = CheckpointPages;
    });

    private static Goal Goal(string id, string text) => new()
    {
        Id = id,
        LifecycleStatus = Hl7.Fhir.Model.Goal.GoalLifecycleStatus.Proposed,
        Description = new CodeableConcept { Text = text },
        Subject = new ResourceReference("Patient/p"),
    };
}
