using System.Diagnostics;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Outbox;
using PatientVoice.Storage.Postgres;
using PatientVoice.Storage.Search;
using PatientVoice.Testing;

namespace PatientVoice.Storage.Tests.Store;

/// <summary>
/// The PostgreSQL backup docs/operations.md describes, done for real: <c>pg_dump -Fc</c> of a database the store wrote,
/// <c>pg_restore</c> into a new, empty database (the tools of the server's own build), and the store opened on the copy
/// reads every resource with its history, answers the same searches and holds the same outbox and counters.
/// </summary>
public sealed class PostgresDumpRestoreTests : IAsyncLifetime
{
    private readonly List<ServiceProvider> _services = [];
    private readonly string _directory = Directory.CreateTempSubdirectory("pv-pgdump-").FullName;

    public System.Threading.Tasks.Task InitializeAsync() => System.Threading.Tasks.Task.CompletedTask;

    [Fact]
    public async System.Threading.Tasks.Task A_pg_dump_restored_into_a_new_database_reads_back_every_resource_search_and_outbox_message()
    {
        var server = await PostgresServer.SharedAsync();
        var originalConnection = await server.CreateDatabaseAsync("dumped");
        var original = await OpenStoreAsync(originalConnection);
        var ids = new List<string>();
        await using (var session = await original.BeginWriteAsync(default))
        {
            for (var i = 0; i < 6; i++)
            {
                ids.Add((await session.PutAsync(Goal($"Patient/dump-p{i % 2}", $"goal {i}"), null, default)).Stored.Id);
            }

            await session.EnqueueAsync(new OutboxMessage("ehr-write-back", "dumped-message", "{\"n\":1}"), default);
            await session.NextInSequenceAsync("dumped-sequence", default);
            await session.NextInSequenceAsync("dumped-sequence", default);
            await session.CommitAsync(default);
        }

        await using (var session = await original.BeginWriteAsync(default))
        {
            var edited = Goal("Patient/dump-p0", "goal 0, edited");
            edited.Id = ids[0];
            await session.PutAsync(edited, null, default);
            await session.DeleteAsync("Goal", ids[5], null, default);
            await session.CommitAsync(default);
        }

        var dump = Path.Combine(_directory, "patientvoice.dump");
        var source = PostgresServer.DatabaseOf(originalConnection);
        await RunAsync(server.Tool("pg_dump"), ["-h", "127.0.0.1", "-p", Port(server), "-U", "postgres", "-Fc", "-f", dump, source]);
        var copyConnection = await server.CreateDatabaseAsync("restored");
        await RunAsync(server.Tool("pg_restore"), ["-h", "127.0.0.1", "-p", Port(server), "-U", "postgres", "--no-owner", "--exit-on-error", "-d", PostgresServer.DatabaseOf(copyConnection), dump]);

        var copy = await OpenStoreAsync(copyConnection);

        foreach (var id in ids)
        {
            var before = await original.ReadAsync("Goal", id, default);
            var after = await copy.ReadAsync("Goal", id, default);
            Assert.Equal(before?.Json, after?.Json);
            Assert.Equal(before?.VersionId, after?.VersionId);
            Assert.Equal(before?.IsDeleted, after?.IsDeleted);
        }

        var history = await copy.HistoryAsync(new HistoryQuery("Goal", ids[0], null, null, 10, null), default);
        Assert.Equal([2, 1], history.Entries.Select(e => e.VersionId));
        var parser = new SearchQueryParser(new SearchParameterRegistry());
        foreach (var patient in new[] { "Patient/dump-p0", "Patient/dump-p1" })
        {
            var query = parser.Parse("Goal", [new("patient", patient)], strict: true);
            var expected = (await original.SearchAsync(query, default)).Matches.Select(m => m.Id).Order();
            var found = (await copy.SearchAsync(query, default)).Matches.Select(m => m.Id).Order().ToList();
            Assert.Equal(expected, found);
            Assert.Equal(patient.EndsWith('0') ? 3 : 2, found.Count);
        }

        var message = await ((IOutbox)copy).FindAsync("ehr-write-back", "dumped-message", default);
        Assert.Equal(OutboxState.Pending, message?.State);
        Assert.Equal(2, await ((IOutbox)copy).ReadSequenceAsync("dumped-sequence", default));
        // The restored database is writable and its identity columns continue after the copied rows.
        await using (var session = await copy.BeginWriteAsync(default))
        {
            await session.PutAsync(Goal("Patient/dump-p1", "written after the restore"), null, default);
            await session.CommitAsync(default);
        }
    }

    public async System.Threading.Tasks.Task DisposeAsync()
    {
        foreach (var services in _services)
        {
            await services.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }

    private static string Port(PostgresServer server) => server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static Goal Goal(string patient, string words) => new()
    {
        LifecycleStatus = Hl7.Fhir.Model.Goal.GoalLifecycleStatus.Proposed,
        Description = new CodeableConcept { Text = words },
        Subject = new ResourceReference(patient),
    };

    private async Task<IResourceStore> OpenStoreAsync(string connectionString)
    {
        var services = new ServiceCollection().AddLogging().AddPostgresResourceStore(o => o.ConnectionString = connectionString).BuildServiceProvider();
        _services.Add(services);
        var store = services.GetRequiredService<IResourceStore>();
        await store.InitializeAsync(default);
        return store;
    }

    private static async System.Threading.Tasks.Task RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"{Path.GetFileName(program)} exited with {process.ExitCode}: {await error}{await output}");
    }
}
