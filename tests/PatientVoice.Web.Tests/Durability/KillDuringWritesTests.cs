using System.Net;
using System.Text.Json;
using PatientVoice.Testing;
using Xunit.Abstractions;

namespace PatientVoice.Web.Tests.Durability;

/// <summary>
/// Crash durability of the real server process: what the server acknowledged before a SIGKILL is there
/// after a restart on the same SQLite file. Both starts wait for <c>/health/ready</c> (the validator warm, ~20 s
/// each here), so the load runs against a server that validates without waiting.
/// </summary>
public sealed class KillDuringWritesTests(ITestOutputHelper output)
{
    private const int Clients = 8;
    private static readonly TimeSpan LoadBeforeKill = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan FirstCreatePatience = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan TestBudget = TimeSpan.FromSeconds(240);

    [Fact]
    public async Task Every_create_acknowledged_before_a_SIGKILL_is_readable_with_its_version_after_a_restart()
    {
        using var budget = new CancellationTokenSource(TestBudget);
        using var directory = new ScratchDirectory();
        var database = Path.Combine(directory.Path, "durability.db");
        var creates = new AcknowledgedCreates();

        await using (var server = await ServerProcess.StartAsync(new ServerSettings(database), budget.Token))
        {
            output.WriteLine($"Server {server.ProcessId} ready after {server.TimeToReady.TotalSeconds:F1} s.");
            using var http = NewClient(server.BaseAddress);
            using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(budget.Token);
            var load = creates.RunAsync(http, Clients, stopLoad.Token);

            // Readiness no longer waits for the validator (ADR 0028): the first Goal compiles its schemas, which takes
            // seconds on a loaded machine. Writes flow from the first acknowledgement; the kill comes after 3 s of them.
            for (var waited = System.Diagnostics.Stopwatch.StartNew(); creates.Count == 0 && creates.FirstRejection is null && waited.Elapsed < FirstCreatePatience; )
            {
                await Task.Delay(50, budget.Token);
            }

            await Task.Delay(LoadBeforeKill, budget.Token);
            var countAtKill = creates.Count;
            var exitCode = await server.KillAsync();
            await stopLoad.CancelAsync();
            await load;

            // 128 + 9: the process died of SIGKILL, not of an orderly shutdown.
            output.WriteLine($"Killed server process {server.ProcessId} after {countAtKill} acknowledged creates; exit code {exitCode}.");
            Assert.Equal(137, exitCode);
            Assert.True(creates.FirstRejection is null, $"The server refused a create (the Goal must satisfy our patient-stated Goal profile): {creates.FirstRejection}");
            Assert.True(countAtKill > 0, $"No create was acknowledged in {(FirstCreatePatience + LoadBeforeKill).TotalSeconds} s; first rejection: {creates.FirstRejection ?? "none"}; server output:\n{server.RecentOutput}");
        }

        await using (var restarted = await ServerProcess.StartAsync(new ServerSettings(database), budget.Token))
        {
            output.WriteLine($"Restarted server {restarted.ProcessId} ready after {restarted.TimeToReady.TotalSeconds:F1} s.");
            using var http = NewClient(restarted.BaseAddress);
            var missing = await AcknowledgedCreates.NotServedAsync(http, creates.Acknowledged, Clients, budget.Token);

            Assert.True(missing.Count == 0, $"{missing.Count} of {creates.Count} acknowledged creates are lost or changed: {string.Join("; ", missing.Take(10))}");

            using var history = JsonDocument.Parse(await http.GetStringAsync("/fhir/Goal/_history?_count=1", budget.Token));
            var total = history.RootElement.GetProperty("total").GetInt32();
            output.WriteLine($"{creates.Count} creates acknowledged before SIGKILL by {Clients} clients; all readable after restart; Goal _history total {total}.");
            Assert.True(total >= creates.Count, $"Goal _history has {total} versions, fewer than the {creates.Count} acknowledged creates.");
        }
    }

    private static HttpClient NewClient(Uri baseAddress)
    {
        var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = Clients, UseProxy = false })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(30),
        };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", ServerProcess.Authorization());
        return client;
    }
}
