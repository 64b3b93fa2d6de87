using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using PatientVoice.Testing;

namespace PatientVoice.Benchmarks;

/// <summary>
/// <c>create</c>: N clients POST Goals back to back for a warm-up, then for a measured window. A request
/// counts if it started inside the window; throughput is those completed with 201 per second of window.
/// <c>submit</c> is the same loop posting completed "My goals" responses with three goals each: every one is
/// validated (profile and against its Questionnaire), extracted and stored with its Goals, patient note and
/// Provenance in one transaction.
/// The warm-up lasts at least <c>--warmup</c> seconds and then until the server's tiered compilation has settled (at
/// most <c>--settle-max</c> seconds; 0 keeps the fixed warm-up): see <see cref="ServerJit"/>.
/// </summary>
internal static class CreateBenchmark
{
    public static async Task<int> RunAsync(BenchmarkArguments args, bool submissions = false)
    {
        var kind = submissions ? "submit" : "create";
        var path = submissions ? "/fhir/QuestionnaireResponse" : "/fhir/Goal";
        var clients = args.Int("clients", 16);
        var seconds = args.Int("seconds", 20);
        var warmup = args.Int("warmup", 5);
        var settleMax = args.Int("settle-max", 180);
        using var directory = new ScratchDirectory(args.String("dir"));
        await using var database = await BenchmarkDatabase.OpenAsync(args);
        var settings = new ServerSettings(Path.Combine(directory.Path, "create.db"))
        {
            // A busy shared machine can take longer than the default 90 s to warm the validator.
            ReadyTimeout = TimeSpan.FromMinutes(5),
            RequestLogging = args.Flag("request-logging"),
            Synchronous = args.String("synchronous"),
            ExtraArguments = database.ServerArguments(args),
        };
        foreach (var file in new[] { settings.DatabasePath, settings.DatabasePath + "-wal", settings.DatabasePath + "-shm" })
        {
            File.Delete(file);
        }

        Console.WriteLine($"{kind}: {clients} clients, {warmup} s warm-up{(settleMax > warmup ? $" then until the server's JIT settles (at most {settleMax} s)" : "")}, {seconds} s measured, synchronous={settings.Synchronous ?? "(server default)"}, request logging {(settings.RequestLogging ? "on (server defaults)" : "off (Warning)")}{(args.ServerArguments.Count == 0 ? "" : ", server " + string.Join(' ', args.ServerArguments))}");
        var serverOptions = ServerProcess.Options(settings);
        if (args.String("server-dll") is { } serverDll)
        {
            // Another build of the server (e.g. main's, kept aside), for before/after runs alternated in one session.
            serverOptions = serverOptions with { Dll = Path.GetFullPath(serverDll) };
        }

        await using var server = await HostProcess.StartAsync(serverOptions, CancellationToken.None);
        Console.WriteLine(FormattableString.Invariant($"server {serverOptions.Dll} (pid {server.ProcessId}) ready (/health/ready 200) {server.TimeToReady.TotalSeconds:F1} s after launch"));
        using var http = LoopbackClient.Create(server.BaseAddress, clients);
        Func<int, byte[]> body = submissions ? SubmissionBodies.ThreeGoals : GoalBody;
        var bodies = Enumerable.Range(0, 1000).Select(body).ToArray();

        await using var jit = settleMax > warmup ? ServerJit.Watch(server.ProcessId) : null;
        var started = Stopwatch.GetTimestamp();
        var window = new Window();
        var perClient = Enumerable.Range(0, clients).Select(_ => new ClientTally()).ToArray();

        var serverCpuAtStart = TimeSpan.Zero;
        var ownCpuAtStart = TimeSpan.Zero;
        var cpuSampler = Task.Run(async () =>
        {
            string? verdict = null;
            if (jit is null)
            {
                await Task.Delay(TimeSpan.FromSeconds(warmup));
            }
            else
            {
                var (settled, lastSpan) = await jit.SettleAsync(started, TimeSpan.FromSeconds(warmup), TimeSpan.FromSeconds(settleMax), SettleSpan, SettledCompilations);
                // Watching costs the server (its runtime writes every JIT event to the session): not in the window.
                await jit.StopAsync();
                verdict = FormattableString.Invariant(
                    $"{(settled ? "the server's JIT settled" : "the server's JIT had NOT settled (the window measures code still being compiled)")}; {jit.Compiled} methods compiled during it, {lastSpan} in its last {SettleSpan.TotalSeconds:F0} s");
            }

            serverCpuAtStart = server.CpuTime;
            ownCpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
            var at = window.Open(seconds);
            if (verdict is not null)
            {
                Console.WriteLine(FormattableString.Invariant($"warm-up {Stopwatch.GetElapsedTime(started, at).TotalSeconds:F0} s: {verdict}"));
            }
        });

        await Task.WhenAll(perClient.Select((tally, client) => Task.Run(() => ClientLoopAsync(http, path, bodies, client, tally, window))));
        await cpuSampler;
        var serverCpu = server.CpuTime - serverCpuAtStart;
        var ownCpu = Process.GetCurrentProcess().TotalProcessorTime - ownCpuAtStart;

        var latencies = new LatencyDistribution(perClient.SelectMany(t => t.Latencies));
        var created = perClient.Sum(t => t.Created);
        var failed = perClient.Sum(t => t.Failed);
        var windowSpan = TimeSpan.FromSeconds(seconds);
        var (done, rate) = submissions ? ("submitted", "submissions/s") : ("created", "creates/s");
        Console.WriteLine(FormattableString.Invariant($"{done} {created} in {seconds} s = {created / windowSpan.TotalSeconds:F0} {rate}; failed {failed}"));
        Console.WriteLine($"latency (201s): {latencies.Summary()}");
        Console.WriteLine(FormattableString.Invariant($"CPU in window: server {serverCpu.TotalSeconds / windowSpan.TotalSeconds * 100:F0}%, load generator {ownCpu.TotalSeconds / windowSpan.TotalSeconds * 100:F0}% (of one core; {Environment.ProcessorCount} cores)"));
        Console.WriteLine(FormattableString.Invariant(
            $"| {clients} | {seconds} | {created / windowSpan.TotalSeconds:F0} | {latencies.PercentileMs(0.50):F2} | {latencies.PercentileMs(0.95):F2} | {latencies.PercentileMs(0.99):F2} | {latencies.MaxMs:F1} | {failed} | {serverCpu.TotalSeconds / windowSpan.TotalSeconds * 100:F0}% / {ownCpu.TotalSeconds / windowSpan.TotalSeconds * 100:F0}% |"));
        return failed == 0 ? 0 : 1;
    }

    // Settled: at most this many method bodies compiled in the last span (a settled server compiles a few dozen a
    // minute: a late call site, a diagnostics session's own; a server still tiering up, hundreds a second).
    private static readonly TimeSpan SettleSpan = TimeSpan.FromSeconds(5);
    private const int SettledCompilations = 50;

    private static async Task ClientLoopAsync(HttpClient http, string path, byte[][] bodies, int client, ClientTally tally, Window window)
    {
        var contentType = new MediaTypeHeaderValue("application/fhir+json");
        for (var i = client; ; i += 7)
        {
            var begin = Stopwatch.GetTimestamp();
            if (begin >= window.End)
            {
                return;
            }

            using var content = new ByteArrayContent(bodies[i % bodies.Length]);
            content.Headers.ContentType = contentType;
            bool ok;
            try
            {
                using var response = await http.PostAsync(path, content);
                await response.Content.LoadIntoBufferAsync();
                ok = response.StatusCode == HttpStatusCode.Created;
            }
            catch (HttpRequestException)
            {
                ok = false;
            }

            var end = Stopwatch.GetTimestamp();
            if (begin >= window.Start)
            {
                tally.Record(ok, end - begin);
            }
        }
    }

    internal static byte[] GoalBody(int n)
        => Encoding.UTF8.GetBytes(PatientStatedGoal.Json($"Patient/bench-{n % 100}", $"Walk to the end of the road and back without stopping ({n})"));

    /// <summary>The measured window: open-ended (never starts) until the warm-up ends, then <c>seconds</c> long.</summary>
    private sealed class Window
    {
        private long _start = long.MaxValue;
        private long _end = long.MaxValue;

        public long Start => Volatile.Read(ref _start);

        public long End => Volatile.Read(ref _end);

        public long Open(int seconds)
        {
            var now = Stopwatch.GetTimestamp();
            Volatile.Write(ref _end, now + (seconds * Stopwatch.Frequency));
            Volatile.Write(ref _start, now);
            return now;
        }
    }

    private sealed class ClientTally
    {
        public List<long> Latencies { get; } = new(capacity: 64 * 1024);

        public int Created { get; private set; }

        public int Failed { get; private set; }

        public void Record(bool created, long ticks)
        {
            if (created)
            {
                Created++;
                Latencies.Add(ticks);
            }
            else
            {
                Failed++;
            }
        }
    }
}
