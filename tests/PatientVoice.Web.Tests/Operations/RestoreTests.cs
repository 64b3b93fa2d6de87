using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Storage;
using PatientVoice.Storage.Sqlite;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.Operations;

/// <summary><c>dotnet PatientVoice.Web.dll restore &lt;file&gt;</c>: refused while the server has the database open; once it is stopped, the backup takes the database's place.</summary>
public sealed class RestoreTests
{
    [Fact]
    public async Task Restore_is_refused_while_the_server_runs_and_after_it_stops_puts_the_backup_in_place_keeping_the_old_file_aside()
    {
        using var budget = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        using var directory = new ScratchDirectory();
        var database = Path.Combine(directory.Path, "patientvoice.db");
        var backup = Path.Combine(directory.Path, "backup.db");
        await MakeBackupHoldingAsync(backup, "restored-goal", budget.Token);
        var settings = new ServerSettings(database) { WaitForWarmValidator = false };

        CommandResult refused;
        await using (var server = await ServerProcess.StartAsync(settings, budget.Token))
        {
            refused = await ServerCommand.RunAsync(settings, ["restore", backup], TimeSpan.FromMinutes(1));
            // Disposing kills the server (SIGKILL): its -wal and -shm stay behind, as after a crash.
        }

        Assert.True(refused.ExitCode == 2, refused.ToString());
        Assert.Contains("is in use", refused.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(directory.Path, "*.before-restore-*"));

        var restored = await ServerCommand.RunAsync(settings, ["restore", backup], TimeSpan.FromMinutes(1));

        Assert.True(restored.ExitCode == 0, restored.ToString());
        Assert.StartsWith("restore ok: ", restored.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(database + "-wal"), "A -wal file is left beside the restored database.");
        Assert.False(File.Exists(database + "-shm"), "A -shm file is left beside the restored database.");
        var setAside = Assert.Single(Directory.GetFiles(directory.Path, "patientvoice.db.before-restore-*"));
        // The file set aside is the server's database, whole in one file: what it had seeded, and consistent.
        Assert.True(await CountResourcesAsync(setAside) > 0);
        await using var services = new ServiceCollection().AddLogging().AddSqliteResourceStore(o => o.Path = database).BuildServiceProvider();
        var store = services.GetRequiredService<IResourceStore>();
        await store.InitializeAsync(budget.Token);
        Assert.NotNull(await store.ReadAsync("Goal", "restored-goal", budget.Token));
        Assert.Equal(1, await CountResourcesAsync(database));
    }

    [Fact]
    public async Task Restore_refuses_a_file_that_is_not_a_PatientVoice_backup_and_leaves_the_database_alone()
    {
        using var directory = new ScratchDirectory();
        var database = Path.Combine(directory.Path, "patientvoice.db");
        await File.WriteAllTextAsync(database, "stands for the database");
        var notBackup = Path.Combine(directory.Path, "notes.txt");
        await File.WriteAllTextAsync(notBackup, "not a database at all, long enough to be read as a header by SQLite............................................................");

        var run = await ServerCommand.RunAsync(new ServerSettings(database), ["restore", notBackup], TimeSpan.FromMinutes(1));

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("is not a PatientVoice SQLite backup", run.Error, StringComparison.Ordinal);
        Assert.Equal("stands for the database", await File.ReadAllTextAsync(database));
    }

    private static async Task MakeBackupHoldingAsync(string backup, string goalId, CancellationToken cancellationToken)
    {
        var source = Path.Combine(Path.GetDirectoryName(backup)!, "source", "patientvoice.db");
        await using var services = new ServiceCollection().AddLogging().AddSqliteResourceStore(o => o.Path = source).BuildServiceProvider();
        var store = services.GetRequiredService<IResourceStore>();
        await store.InitializeAsync(cancellationToken);
        await using (var session = await store.BeginWriteAsync(cancellationToken))
        {
            var goal = FhirJson.Goal("restore-1", "Swim once a week");
            goal.Id = goalId;
            await session.PutAsync(goal, null, cancellationToken);
            await session.CommitAsync(cancellationToken);
        }

        await SqliteBackup.CreateAsync(source, backup, cancellationToken);
    }

    private static async Task<long> CountResourcesAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM resource;";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
