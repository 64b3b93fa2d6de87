using System.Net;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using PatientVoice.Testing;
using PatientVoice.Web.Tests.Durability;
using Xunit.Abstractions;

namespace PatientVoice.Web.Tests.Operations;

/// <summary>
/// <c>dotnet PatientVoice.Web.dll backup &lt;file&gt;</c> against the real server process under write load, and the
/// restore procedure of docs/operations.md (a fresh instance started on the copy).
/// </summary>
public sealed class BackupTests(ITestOutputHelper output)
{
    private const int Clients = 4;
    private static readonly TimeSpan TestBudget = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task A_backup_taken_under_write_load_restores_into_a_fresh_instance_that_serves_every_create_acknowledged_before_it_began()
    {
        using var budget = new CancellationTokenSource(TestBudget);
        using var directory = new ScratchDirectory();
        var database = Path.Combine(directory.Path, "live", "patientvoice.db");
        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        var backup = Path.Combine(directory.Path, "patientvoice-backup.db");
        var creates = new AcknowledgedCreates();
        List<(string Id, int Version)> beforeBackup;
        CommandResult run;
        int atEnd;

        await using (var server = await ServerProcess.StartAsync(new ServerSettings(database), budget.Token))
        {
            using var http = NewClient(server.BaseAddress);
            using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(budget.Token);
            var load = creates.RunAsync(http, Clients, stopLoad.Token);
            await WaitUntilAsync(() => creates.Count >= 50, budget.Token);

            // Everything acknowledged up to here must be in the copy; the load goes on while the command runs.
            beforeBackup = [.. creates.Acknowledged];
            run = await ServerCommand.RunAsync(new ServerSettings(database), ["backup", backup], TimeSpan.FromMinutes(2));
            var atBackupEnd = creates.Count;
            await WaitUntilAsync(() => creates.Count >= atBackupEnd + 20, budget.Token);
            await stopLoad.CancelAsync();
            await load;
            atEnd = creates.Count;
            output.WriteLine($"{beforeBackup.Count} creates acknowledged before the backup, {atBackupEnd} when it ended, {atEnd} in all. {run}");
            Assert.True(creates.FirstRejection is null, $"The server refused a create: {creates.FirstRejection}");
            Assert.True(atBackupEnd > beforeBackup.Count, "No create was acknowledged while the backup ran: the server did not keep writing.");
        }

        Assert.True(run.ExitCode == 0, run.ToString());
        var line = Assert.Single(run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("backup ok: ", line, StringComparison.Ordinal);
        Assert.Contains("integrity check ok", line, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(directory.Path, "*.partial"));

        // The copy checked independently: consistent, and neither missing acknowledged creates nor holding more than were made.
        var goals = await CheckCopyAsync(backup);
        Assert.InRange(goals, beforeBackup.Count, atEnd);

        // Restore (docs/operations.md): the copy becomes the database file of a fresh instance, with no -wal or -shm beside it.
        var restored = Path.Combine(directory.Path, "restored", "patientvoice.db");
        Directory.CreateDirectory(Path.GetDirectoryName(restored)!);
        File.Copy(backup, restored);
        await using var fresh = await ServerProcess.StartAsync(new ServerSettings(restored) { WaitForWarmValidator = false }, budget.Token);
        using var client = NewClient(fresh.BaseAddress);
        var missing = await AcknowledgedCreates.NotServedAsync(client, beforeBackup, Clients, budget.Token);

        Assert.True(missing.Count == 0, $"{missing.Count} of {beforeBackup.Count} creates acknowledged before the backup are not served from it: {string.Join("; ", missing.Take(10))}");
    }

    [Fact]
    public async Task The_backup_command_refuses_the_PostgreSQL_provider_and_points_at_pg_dump()
    {
        using var directory = new ScratchDirectory();
        var settings = new ServerSettings(Path.Combine(directory.Path, "unused.db"));

        var run = await ServerCommand.RunAsync(settings, ["backup", Path.Combine(directory.Path, "copy.db")], TimeSpan.FromMinutes(1),
            new Dictionary<string, string> { ["Storage__Provider"] = "Postgres", ["Storage__Postgres__ConnectionString"] = "Host=127.0.0.1;Database=none" });

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("pg_dump", run.Error, StringComparison.Ordinal);
        Assert.Contains("docs/operations.md", run.Error, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(directory.Path));
    }

    [Fact]
    public async Task A_backup_never_overwrites_a_file_and_says_so()
    {
        using var directory = new ScratchDirectory();
        var database = Path.Combine(directory.Path, "patientvoice.db");
        await CreateDatabaseAsync(database);
        var existing = Path.Combine(directory.Path, "existing.db");
        await File.WriteAllTextAsync(existing, "an earlier backup");

        var run = await ServerCommand.RunAsync(new ServerSettings(database), ["backup", existing], TimeSpan.FromMinutes(1));

        Assert.True(run.ExitCode == 1, run.ToString());
        Assert.Contains("already exists", run.Error, StringComparison.Ordinal);
        Assert.Equal("an earlier backup", await File.ReadAllTextAsync(existing));
    }

    private static async Task CreateDatabaseAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE resource (pk INTEGER PRIMARY KEY, resource_type TEXT, is_deleted INTEGER);";
        await command.ExecuteNonQueryAsync();
    }

    // PRAGMA integrity_check of our own, and the number of Goals the copy holds.
    private static async Task<long> CheckCopyAsync(string path)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var check = connection.CreateCommand();
        check.CommandText = "PRAGMA integrity_check;";
        Assert.Equal("ok", (string?)await check.ExecuteScalarAsync());
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM resource WHERE resource_type = 'Goal';";
        return (long)(await count.ExecuteScalarAsync())!;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    private static HttpClient NewClient(Uri baseAddress)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients, UseProxy = false }) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", ServerProcess.Authorization());
        return client;
    }
}
