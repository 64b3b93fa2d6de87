using Hl7.Fhir.Model;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Storage.Faults;
using PatientVoice.Storage.Sqlite;

namespace PatientVoice.Storage.Tests.Store;

/// <summary>
/// The SQLite store's one long-lived writer connection: a failed or rolled-back write leaves the store writing, a
/// full disk does not leave a broken connection behind, and the connection is let go with the store (a restore needs it).
/// </summary>
public sealed class SqliteWriterConnectionTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pv-writer-").FullName;
    private readonly List<ServiceProvider> _services = [];

    private string DatabasePath => Path.Combine(_directory, "store.db");

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
        var backup = Path.Combine(_directory, "backup.db");
        await SqliteBackup.CreateAsync(DatabasePath, backup, default);
        await WriteAsync(store, Goal("after-backup", "not in the backup"));

        // As a host stops: the store disposed, the pooled readers closed. (A restore is refused while another process
        // has the file open, docs/operations.md; within one process SQLite cannot see that, so look at the open files.)
        ReleaseStores();
        if (OperatingSystem.IsLinux())
        {
            Assert.DoesNotContain(OpenFilesOfThisProcess(), f => f.StartsWith(DatabasePath, StringComparison.Ordinal));
        }

        await SqliteRestore.RestoreAsync(DatabasePath, backup, TimeProvider.System, default);
        var restored = await OpenStoreAsync();
        Assert.NotNull(await restored.ReadAsync("Goal", "before-backup", default));
        Assert.Null(await restored.ReadAsync("Goal", "after-backup", default));
        await WriteAsync(restored, Goal("after-restore", "written to the restored file"));
        Assert.NotNull(await restored.ReadAsync("Goal", "after-restore", default));
    }

    private static IEnumerable<string> OpenFilesOfThisProcess()
    {
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            string? target = null;
            try
            {
                target = new FileInfo(fd).LinkTarget;
            }
            catch (IOException)
            {
            }

            if (target is not null)
            {
                yield return target;
            }
        }
    }

    public void Dispose()
    {
        ReleaseStores();
        Directory.Delete(_directory, recursive: true);
    }

    /// <summary>Disposes the stores and closes the pooled connections, as a host does when it stops.</summary>
    private void ReleaseStores()
    {
        foreach (var services in _services)
        {
            services.Dispose();
        }

        _services.Clear();
        SqliteConnection.ClearAllPools();
    }

    private async Task<IResourceStore> OpenStoreAsync(long? maxPageCount = null)
    {
        var services = new ServiceCollection().AddLogging()
            .AddSqliteResourceStore(o =>
            {
                o.Path = DatabasePath;
                o.MaxPageCount = maxPageCount;
            })
            .BuildServiceProvider();
        _services.Add(services);
        var store = services.GetRequiredService<IResourceStore>();
        await store.InitializeAsync(default);
        return store;
    }

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

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
