using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using PatientVoice.Testing;

namespace PatientVoice.Benchmarks;

/// <summary>
/// <c>startup</c>: launch the real server on a fresh SQLite file and POST a Goal (validated against our profile, bearer
/// token checked, audited, stored) every 20 ms from the moment the port is bound until one is accepted (201). Reports,
/// per run, launch to port bound, launch to the first 201, and that request's own latency. <c>--server-dll</c> runs
/// another build of PatientVoice.Web (e.g. main's, for a before/after in the same session).
/// </summary>
internal static class StartupBenchmark
{
    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var runs = args.Int("runs", 5);
        var serverDll = args.String("server-dll");
        var results = new List<(double Bound, double Accepted, double Request, int Attempts)>();
        for (var run = 1; run <= runs; run++)
        {
            using var directory = new ScratchDirectory(null);
            var settings = new ServerSettings(Path.Combine(directory.Path, "startup.db")) { ExtraArguments = args.ServerArguments };
            var options = ServerProcess.Options(settings) with { ReadyPath = null };
            if (serverDll is not null)
            {
                options = options with { Dll = Path.GetFullPath(serverDll) };
            }

            await using var server = await HostProcess.StartAsync(options, CancellationToken.None);
            var bound = server.TimeToReady;
            var sinceBound = Stopwatch.StartNew();
            using var http = LoopbackClient.Create(server.BaseAddress, 1);
            http.Timeout = Timeout.InfiniteTimeSpan; // before this change the first write waited minutes for the warm-up on this machine
            var attempts = 0;
            while (true)
            {
                attempts++;
                using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(PatientStatedGoal.Json("Patient/startup-1", "Walk to the end of the road and back")));
                content.Headers.ContentType = new MediaTypeHeaderValue("application/fhir+json");
                var begin = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync("/fhir/Goal", content);
                await response.Content.LoadIntoBufferAsync();
                var request = Stopwatch.GetElapsedTime(begin);
                if (response.StatusCode == HttpStatusCode.Created)
                {
                    var accepted = bound + sinceBound.Elapsed;
                    results.Add((bound.TotalMilliseconds, accepted.TotalMilliseconds, request.TotalMilliseconds, attempts));
                    Console.WriteLine(FormattableString.Invariant(
                        $"run {run}: port bound {bound.TotalMilliseconds:F0} ms, first Goal accepted (201) {accepted.TotalMilliseconds:F0} ms after launch; that request took {request.TotalMilliseconds:F0} ms; attempts {attempts}"));
                    break;
                }

                if (sinceBound.Elapsed > TimeSpan.FromMinutes(5))
                {
                    Console.WriteLine($"run {run}: no 201 within 5 minutes; last status {(int)response.StatusCode}");
                    return 1;
                }

                await Task.Delay(20);
            }
        }

        static double Median(IEnumerable<double> values)
        {
            var sorted = values.Order().ToList();
            return sorted[sorted.Count / 2];
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {runs} | {Median(results.Select(r => r.Bound)):F0} | {Median(results.Select(r => r.Accepted)):F0} ({results.Min(r => r.Accepted):F0}-{results.Max(r => r.Accepted):F0}) | {Median(results.Select(r => r.Request)):F0} |"));
        return 0;
    }
}
