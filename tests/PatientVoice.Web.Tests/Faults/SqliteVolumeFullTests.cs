using System.Diagnostics;
using System.Net;
using Microsoft.Data.Sqlite;
using PatientVoice.Testing;
using Xunit.Abstractions;

namespace PatientVoice.Web.Tests.Faults;

/// <summary>
/// The SQLite volume filling up under write load, with the real PatientVoice process. Preferred: a REAL full file
/// system — the database lives on a 64 MB tmpfs mounted for this test, filled to the last byte by a filler file, then
/// given space back by deleting it, all while the server runs. Mounting needs root with CAP_SYS_ADMIN (we have it here;
/// an unprivileged CI container may not): then the test falls back, and says so in its output, to SQLite's own cap
/// (<c>Storage:Sqlite:MaxPageCount</c>, i.e. <c>PRAGMA max_page_count</c>), which fails writes with the same genuine
/// SQLITE_FULL; raising the cap takes a restart, so in the fallback "space back" is a restart without the cap.
/// Either way: writes answer 507 with an OperationOutcome, reads keep working, nothing is half-written, and once there
/// is space again writes succeed.
/// </summary>
public sealed class SqliteVolumeFullTests(ITestOutputHelper output)
{
    private const int Clients = 4;
    private static readonly TimeSpan TestBudget = TimeSpan.FromSeconds(480);

    [Fact]
    public async Task When_the_SQLite_volume_is_full_writes_answer_507_reads_work_and_writes_resume_once_space_is_back()
    {
        using var budget = new CancellationTokenSource(TestBudget);
        using var directory = new ScratchDirectory();
        var volume = Path.Combine(directory.Path, "volume");
        Directory.CreateDirectory(volume);
        var database = Path.Combine(volume, "patientvoice.db");
        var mounted = Environment.GetEnvironmentVariable("PATIENTVOICE_TEST_NO_MOUNT") != "1" && await RunAsync("mount", ["-t", "tmpfs", "-o", "size=64m", "tmpfs", volume]) == 0;
        output.WriteLine(mounted ? "Real full file system: a 64 MB tmpfs." : "Fallback: could not mount a tmpfs (not root or no CAP_SYS_ADMIN); SQLite's max_page_count cap instead.");
        try
        {
            var load = new WriteLoad();
            var settings = new ServerSettings(database);
            HostProcess server;
            if (mounted)
            {
                server = await ServerProcess.StartAsync(settings, budget.Token);
            }
            else
            {
                // The cap is the size after start-up plus a little room, so the load fills it within seconds.
                await (await ServerProcess.StartAsync(settings with { WaitForWarmValidator = false }, budget.Token)).DisposeAsync();
                var pages = await PageCountAsync(database);
                server = await ServerProcess.StartAsync(settings with { ExtraArguments = [$"--Storage:Sqlite:MaxPageCount={pages + 200}"] }, budget.Token);
            }

            using var http = NewClient(server.BaseAddress);
            using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(budget.Token);
            var running = load.RunAsync(http, Clients, stopLoad.Token);
            await WaitForAsync(() => load.Acknowledged.Count >= 20, budget.Token);

            load.Phase = "full";
            var filler = Path.Combine(volume, "filler");
            if (mounted)
            {
                Fill(filler);
            }

            await WaitForAsync(() => load.Refused.Count(a => a.Phase == "full") >= 20, budget.Token);
            var someGoal = load.Acknowledged.First();
            using var read = await http.GetAsync($"/fhir/Goal/{someGoal.Id}", budget.Token);
            using var search = await http.GetAsync("/fhir/Goal?patient=Patient/fault-0", budget.Token);
            using var ready = await http.GetAsync("/health/ready", budget.Token);
            var fullLogged = server.Output.Any(line => line.Contains("FHIR request failed with 507: store Full (SQLite 13", StringComparison.Ordinal));

            load.Phase = "space back";
            if (mounted)
            {
                File.Delete(filler);
            }
            else
            {
                await stopLoad.CancelAsync();
                await running;
                await server.DisposeAsync();
                server = await ServerProcess.StartAsync(settings, budget.Token);
            }

            await using (server)
            {
                using var after = NewClient(server.BaseAddress);
                using var stopAfter = CancellationTokenSource.CreateLinkedTokenSource(budget.Token);
                var runningAfter = mounted ? running : load.RunAsync(after, Clients, stopAfter.Token);
                await WaitForAsync(() => load.AcknowledgedIn.GetValueOrDefault("space back") >= 20, budget.Token);
                await stopLoad.CancelAsync();
                await stopAfter.CancelAsync();
                await runningAfter;

                var (history, searchable, missing) = await load.VerifyAsync(after, budget.Token);
                var refused = load.Refused.ToList();
                output.WriteLine($"{load.Acknowledged.Count} creates acknowledged ({string.Join(", ", load.AcknowledgedIn.Select(p => $"{p.Key} {p.Value}"))}); "
                    + $"refused: {string.Join(", ", refused.GroupBy(a => (a.Phase, a.Status)).Select(g => $"{g.Key.Phase} {g.Key.Status} x{g.Count()}"))}; "
                    + $"Goal history {history}, searchable {searchable}.");

                Assert.Contains(refused, a => a.Phase == "full" && a.Status == 507);
                Assert.All(refused, a => Assert.True(a.Status is 507 or 503 && a.IsOperationOutcome, $"{a.Phase}: {a.Status}: {a.Detail}"));
                Assert.Contains(refused, a => a.Detail.Contains("no-store", StringComparison.Ordinal));
                Assert.Equal(HttpStatusCode.OK, read.StatusCode);
                Assert.Equal(HttpStatusCode.OK, search.StatusCode);
                Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
                Assert.True(fullLogged, "No log line said the store was full.");
                Assert.True(missing.Count == 0, $"{missing.Count} of {load.Acknowledged.Count} acknowledged creates are lost or changed: {string.Join("; ", missing.Take(10))}");
                Assert.True(history == searchable && history >= load.Acknowledged.Count,
                    $"Goal _history has {history} versions, search finds {searchable} Goals, {load.Acknowledged.Count} were acknowledged: a write was half-done.");
                Assert.Equal("ok", await IntegrityAsync(database));
            }
        }
        finally
        {
            if (mounted)
            {
                await RunAsync("umount", ["-l", volume]);
            }
        }
    }

    // Writes until the file system refuses: ENOSPC, a full volume. Unbuffered, so closing the file has nothing left to
    // flush (a buffered stream would throw "no space" again from its Dispose).
    private static void Fill(string path)
    {
        var block = new byte[1 << 20];
        Random.Shared.NextBytes(block);
        using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.None);
        foreach (var size in new[] { block.Length, 4096, 512 })
        {
            try
            {
                while (true)
                {
                    file.Write(block, 0, size);
                }
            }
            catch (IOException)
            {
                // Full at this size; the smaller writes take the last partial blocks.
            }
        }
    }

    private static async Task<long> PageCountAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA page_count;";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.NextResultAsync();
        await reader.ReadAsync();
        return reader.GetInt64(0);
    }

    private static async Task<string> IntegrityAsync(string database)
    {
        await using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly;Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA integrity_check;";
        return (string)(await command.ExecuteScalarAsync())!;
    }

    private static async Task<int> RunAsync(string program, IReadOnlyList<string> arguments)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(program, arguments) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
            await process.WaitForExitAsync();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    private static async Task WaitForAsync(Func<bool> condition, CancellationToken cancellationToken)
    {
        while (!condition())
        {
            await Task.Delay(50, cancellationToken);
        }
    }

    private static HttpClient NewClient(Uri baseAddress)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients + 2, UseProxy = false })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", ServerProcess.Authorization());
        return client;
    }
}
