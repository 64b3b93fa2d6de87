using System.Diagnostics;
using System.Net;
using System.Text.Json;
using PatientVoice.Testing;
using Xunit.Abstractions;

namespace PatientVoice.Web.Tests.Faults;

/// <summary>
/// PostgreSQL restarted under write load while the real PatientVoice process runs on it (a throwaway cluster of this
/// test's own, stopped with <c>pg_ctl stop -m fast</c> and started again on the same data folder and port): while it is
/// down every request is answered at once with 503 and an OperationOutcome and <c>/health/ready</c> is 503; once it is
/// back PatientVoice serves writes again without being restarted, every acknowledged create is there, nothing is
/// half-written, and the outbox worker that met the outage carries on (an export queued afterwards completes).
/// </summary>
public sealed class PostgresRestartTests(ITestOutputHelper output)
{
    private const int Clients = 4;
    private static readonly TimeSpan TestBudget = TimeSpan.FromSeconds(480);

    // Generous on purpose: a client timeout only fires if a request hangs instead of failing fast.
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task While_PostgreSQL_restarts_requests_fail_fast_with_503_and_afterwards_writes_resume_with_nothing_lost()
    {
        using var budget = new CancellationTokenSource(TestBudget);
        await using var postgres = await PostgresServer.StartAsync(cancellationToken: budget.Token);
        var connectionString = await postgres.CreateDatabaseAsync("restart");
        using var directory = new ScratchDirectory();
        var settings = new ServerSettings(Path.Combine(directory.Path, "unused.db"))
        {
            ExtraArguments =
            [
                "--Storage:Provider=Postgres", $"--Storage:Postgres:ConnectionString={connectionString}",
                // The outbox worker polls often, so it meets the outage and the export after it runs at once.
                "--Export:PollInterval=00:00:00.200",
            ],
        };

        await using var server = await ServerProcess.StartAsync(settings, budget.Token);
        output.WriteLine($"Server {server.ProcessId} on PostgreSQL port {postgres.Port} ready after {server.TimeToReady.TotalSeconds:F1} s.");
        using var http = NewClient(server.BaseAddress);
        var load = new WriteLoad();
        using var stopLoad = CancellationTokenSource.CreateLinkedTokenSource(budget.Token);
        var running = load.RunAsync(http, Clients, stopLoad.Token);
        await WaitForAsync(() => load.Acknowledged.Count >= 20, budget.Token);

        load.Phase = "down";
        await postgres.StopAsync(budget.Token);
        var downAt = Stopwatch.GetTimestamp();
        await WaitForAsync(() => load.Refused.Count(a => a.Phase == "down") >= 20, budget.Token);
        using var ready = await http.GetAsync("/health/ready", budget.Token);
        var readyText = await ready.Content.ReadAsStringAsync(budget.Token);
        // Watched for now (the log line reaches the pipe a little after the answer): the server's output keeps only its
        // last lines, and the load's refusals soon push it out.
        var readinessLogged = false;
        for (var waited = Stopwatch.StartNew(); !readinessLogged && waited.Elapsed < TimeSpan.FromSeconds(10); await Task.Delay(20, budget.Token))
        {
            readinessLogged = server.Output.Any(line => line.Contains("Readiness: the database cannot be reached", StringComparison.Ordinal));
        }
        using var read = await http.GetAsync("/fhir/Goal?patient=Patient/fault-0", budget.Token);
        var readText = await read.Content.ReadAsStringAsync(budget.Token);
        var retryAfter = read.Headers.RetryAfter?.Delta;

        load.Phase = "restarting";
        await postgres.StartAgainAsync(budget.Token);
        output.WriteLine($"PostgreSQL down for {Stopwatch.GetElapsedTime(downAt).TotalSeconds:F1} s.");
        load.Phase = "after";
        await WaitForAsync(() => load.AcknowledgedIn.GetValueOrDefault("after") >= 20, budget.Token);
        await stopLoad.CancelAsync();
        await running;

        var readyAfter = await http.GetAsync("/health/ready", budget.Token);
        var export = await ExportAsync(http, budget.Token);
        var (history, searchable, missing) = await load.VerifyAsync(http, budget.Token);

        var refused = load.Refused.ToList();
        output.WriteLine($"{load.Acknowledged.Count} creates acknowledged ({string.Join(", ", load.AcknowledgedIn.Select(p => $"{p.Key} {p.Value}"))}); "
            + $"refused: {string.Join(", ", refused.GroupBy(a => (a.Phase, a.Status)).Select(g => $"{g.Key.Phase} {g.Key.Status} x{g.Count()}"))}; "
            + $"longest request {load.Longest.TotalMilliseconds:F0} ms; Goal history {history}, searchable {searchable}; export {export}.");

        Assert.True(server.HasExited is false, $"PatientVoice exited during the outage:\n{server.RecentOutput}");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        Assert.Equal("Unhealthy", readyText);
        Assert.True(readinessLogged, "No log line said readiness failed because the database cannot be reached.");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, read.StatusCode);
        Assert.True(WriteLoad.IsOperationOutcome(readText), readText);
        Assert.Contains("no-store", readText, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(5), retryAfter);
        Assert.Contains(refused, a => a.Phase == "down");
        // Every refusal is a 503 with an OperationOutcome: no 500, no request left hanging until the client gave up.
        Assert.All(refused, a => Assert.True(a.Status == 503 && a.IsOperationOutcome, $"{a.Phase}: {a.Status} after {a.Took.TotalMilliseconds:F0} ms: {a.Detail}"));
        Assert.Equal(HttpStatusCode.OK, readyAfter.StatusCode);
        Assert.True(missing.Count == 0, $"{missing.Count} of {load.Acknowledged.Count} acknowledged creates are lost or changed: {string.Join("; ", missing.Take(10))}");
        Assert.True(history == searchable && history >= load.Acknowledged.Count,
            $"Goal _history has {history} versions, search finds {searchable} Goals, {load.Acknowledged.Count} were acknowledged: a write was half-done.");
        Assert.Equal("complete", export);
        Assert.Contains(server.Output, line => line.Contains("Export worker: the store failed", StringComparison.Ordinal));
    }

    // A system export queued after the outage: the export worker, whose polling met the outage, must still run it.
    private static async Task<string> ExportAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var kickOff = new HttpRequestMessage(HttpMethod.Get, "/fhir/$export?_type=Goal");
        kickOff.Headers.Add("Prefer", "respond-async");
        using var accepted = await http.SendAsync(kickOff, cancellationToken);
        if (accepted.StatusCode != HttpStatusCode.Accepted || accepted.Content.Headers.ContentLocation is not { } status)
        {
            return $"kick-off {(int)accepted.StatusCode} {await accepted.Content.ReadAsStringAsync(cancellationToken)}";
        }

        while (true)
        {
            using var answer = await http.GetAsync(status, cancellationToken);
            if (answer.StatusCode == HttpStatusCode.OK)
            {
                using var manifest = JsonDocument.Parse(await answer.Content.ReadAsStringAsync(cancellationToken));
                return manifest.RootElement.GetProperty("output").GetArrayLength() > 0 ? "complete" : "empty";
            }

            if (answer.StatusCode != HttpStatusCode.Accepted)
            {
                return $"status {(int)answer.StatusCode} {await answer.Content.ReadAsStringAsync(cancellationToken)}";
            }

            await Task.Delay(100, cancellationToken);
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
            Timeout = ClientTimeout,
        };
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", ServerProcess.Authorization());
        return client;
    }
}
