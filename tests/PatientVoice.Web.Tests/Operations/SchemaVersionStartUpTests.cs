using Microsoft.Data.Sqlite;
using PatientVoice.Storage.Sqlite;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.Operations;

public sealed class SchemaVersionStartUpTests
{
    [Fact]
    public async Task The_server_refuses_to_start_on_a_database_from_a_newer_version_with_one_line_naming_both_versions()
    {
        using var directory = new ScratchDirectory();
        var database = Path.Combine(directory.Path, "patientvoice.db");
        var newer = SqliteResourceStore.SchemaVersion + 7;
        await using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"CREATE TABLE resource (pk INTEGER PRIMARY KEY); PRAGMA user_version = {newer};";
            await command.ExecuteNonQueryAsync();
        }

        var run = await ServerCommand.RunAsync(new ServerSettings(database), ["--urls", "http://127.0.0.1:0"], TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 1, run.ToString());
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), l => l.StartsWith("PatientVoice did not start:", StringComparison.Ordinal));
        Assert.Contains($"schema version {newer}", line, StringComparison.Ordinal);
        Assert.Contains($"({SqliteResourceStore.SchemaVersion})", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", run.Error, StringComparison.Ordinal);
    }
}
