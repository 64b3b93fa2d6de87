using Hl7.Fhir.Model;
using Microsoft.Data.Sqlite;
using PatientVoice.Storage.Faults;
using PatientVoice.Storage.Sqlite;

namespace PatientVoice.Storage.Tests.Store;

/// <summary>
/// The SQLite store's one long-lived writer connection: a failed or rolled-back write leaves the store writing, a
/// full disk does not leave a broken connection behind, the connection is let go with the store (a restore needs it),
/// and the statements it keeps are not parsed again at each run.
/// </summary>
public sealed class SqliteWriterConnectionTests : IDisposable
{
    private readonly SqliteStoreScratch _scratch = new();

    private string DatabasePath => _scratch.DatabasePath;

    [Fact]
    public async Task A_write_rolled_back_leaves_the_next_write_stored_and_itself_not()
    {
        var store = await OpenStoreAsync();
        await using (var abandoned = await store.BeginWriteAsync(default))
        {
            await abandoned.PutAsync(Goal("abandoned", "never committed"), null, default);
        }

        await WriteAsync(store, Goal("kept", "committed after a rollback"));

        Assert.Null(await store.ReadAsync("Goal", "abandoned", default));
        Assert.NotNull(await store.ReadAsync("Goal", "kept", default));
    }

    [Fact]
    public async Task After_a_write_the_disk_could_not_take_the_next_write_that_fits_is_stored()
    {
        await OpenStoreAsync();
        var pages = (long)(await ScalarAsync("PRAGMA page_count"))!;
        ReleaseStores();
        var store = await OpenStoreAsync(maxPageCount: pages + 4);

        var tooLarge = await Assert.ThrowsAnyAsync<Exception>(() => WriteAsync(store, Goal("large", new string('x', 200_000))));
        Assert.Equal(StoreFailureKind.Full, StoreFailure.Classify(tooLarge));

        await WriteAsync(store, Goal("small", "fits"));
        await WriteAsync(store, Goal("small-2", "fits too"));

        Assert.Null(await store.ReadAsync("Goal", "large", default));
        Assert.NotNull(await store.ReadAsync("Goal", "small", default));
        Assert.NotNull(await store.ReadAsync("Goal", "small-2", default));
    }

    [Fact]
    public async Task Once_its_store_is_disposed_the_file_is_let_go_and_a_backup_can_be_restored_in_its_place()
    {
        var store = await OpenStoreAsync();
        await WriteAsync(store, Goal("before-backup", "in the backup"));
        var backup = _scratch.PathOf("backup.db");
        await SqliteBackup.CreateAsync(DatabasePath, backup, default);
        await WriteAsync(store, Goal("after-backup", "not in the backup"));

        // As a host stops: the store disposed, the pooled readers closed. (A restore is refused while another process
        // has the file open, docs/operations.md; within one process SQLite cannot see that, so look at the open files.)
        _scratch.ReleaseStores();
        if (OperatingSystem.IsLinux())
        {
            Assert.DoesNotContain(SqliteStoreScratch.OpenFilesOfThisProcess(), f => f.StartsWith(DatabasePath, StringComparison.Ordinal));
        }

        await SqliteRestore.RestoreAsync(DatabasePath, backup, TimeProvider.System, default);
        var restored = await OpenStoreAsync();
        Assert.NotNull(await restored.ReadAsync("Goal", "before-backup", default));
        Assert.Null(await restored.ReadAsync("Goal", "after-backup", default));
        await WriteAsync(restored, Goal("after-restore", "written to the restored file"));
        Assert.NotNull(await restored.ReadAsync("Goal", "after-restore", default));
    }

    [Fact]
    public async Task The_searches_and_claims_run_in_a_writer_turn_are_parsed_once_and_not_again_at_each_run()
    {
        // Every Goal write looks up the active subscriptions in its turn, every submission runs conditional searches and
        // the workers claim outbox rows there: the writer keeps those statements prepared, and a statement SQLite has to
        // re-parse at each run (SQLITE_STMTSTATUS_REPREPARE, e.g. for a LIMIT bound as a parameter) loses that.
        var store = await OpenStoreAsync();
        await WriteAsync(store, Goal("g-1", "a goal to find"));
        ReleaseStores();
        var parser = new PatientVoice.Storage.Search.SearchQueryParser(new PatientVoice.Storage.Indexing.SearchParameterRegistry());
        var subscriptions = parser.Parse("Subscription", [new("status", "active")], strict: true) with { Count = 1000 };
        var goals = parser.Parse("Goal", [new("lifecycle-status", "proposed"), new("_count", "1")], strict: true);
        var executor = new PatientVoice.Storage.Search.Sql.SqlSearchExecutor(PatientVoice.Storage.Search.Sql.SqliteDialect.Instance);
        await using var writer = await SqliteWriterConnection.OpenAsync($"Data Source={DatabasePath}", "PRAGMA foreign_keys=ON;", default);
        writer.Handle!.enable_sqlite3_next_stmt(true);

        for (var run = 0; run < 3; run++)
        {
            Assert.Empty((await executor.ExecuteAsync(writer, null, subscriptions, default)).Matches);
            Assert.Equal("g-1", Assert.Single((await executor.ExecuteAsync(writer, null, goals, default)).Matches).Id);
            var now = DateTimeOffset.UtcNow;
            Assert.Empty(await PatientVoice.Storage.Outbox.OutboxCommands.ClaimAsync(
                writer, null, PatientVoice.Storage.Search.Sql.SqliteDialect.Instance, "subscription-event", 16, now, now.AddMinutes(1), default));
        }

        var kept = new List<(string Sql, int Reprepared)>();
        for (var statement = SQLitePCL.raw.sqlite3_next_stmt(writer.Handle, null); statement is not null && !statement.IsInvalid;
             statement = SQLitePCL.raw.sqlite3_next_stmt(writer.Handle, statement))
        {
            // 5 is SQLITE_STMTSTATUS_REPREPARE.
            kept.Add((SQLitePCL.raw.sqlite3_sql(statement).utf8_to_string(), SQLitePCL.raw.sqlite3_stmt_status(statement, 5, 0)));
        }

        Assert.True(kept.Count >= 3, $"expected the writer to keep the statements it ran, found {kept.Count}");
        Assert.All(kept, k => Assert.True(k.Reprepared == 0, $"re-parsed {k.Reprepared} times: {k.Sql}"));
    }

    public void Dispose() => _scratch.Dispose();

    private void ReleaseStores() => _scratch.ReleaseStores();

    private Task<IResourceStore> OpenStoreAsync(long? maxPageCount = null) => _scratch.OpenStoreAsync(o => o.MaxPageCount = maxPageCount);

    private static async System.Threading.Tasks.Task WriteAsync(IResourceStore store, Goal goal)
    {
        await using var session = await store.BeginWriteAsync(default);
        await session.PutAsync(goal, null, default);
        await session.CommitAsync(default);
    }

    private static Goal Goal(string id, string text) => new()
    {
        Id = id,
        LifecycleStatus = Hl7.Fhir.Model.Goal.GoalLifecycleStatus.Proposed,
        Description = new CodeableConcept { Text = text },
        Subject = new ResourceReference("Patient/p"),
    };

    private Task<object?> ScalarAsync(string sql) => _scratch.ScalarAsync(sql);
}
