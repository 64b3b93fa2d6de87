using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using PatientVoice.Testing;

namespace PatientVoice.Benchmarks;

/// <summary>
/// <c>memory</c>: N clients POST Goals back to back (the <c>create</c> benchmark's Goals, against a fresh SQLite file) until
/// <c>--creates</c> have been accepted or <c>--minutes</c> have passed, while the server process's resident memory
/// (VmRSS) is sampled every <c>--sample-seconds</c>. Reports RSS when ready, after the last create and at its peak
/// (the kernel's VmHWM), and the least-squares slope of RSS over the second half of the run: growth under a steady load
/// that a longer run would keep adding.
/// </summary>
internal static class MemoryBenchmark
{
    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var clients = args.Int("clients", 16);
        var target = args.Int("creates", 1_000_000);
        var minutes = args.Int("minutes", 60);
        var sampleEvery = TimeSpan.FromSeconds(args.Int("sample-seconds", 10));
        using var directory = new ScratchDirectory(args.String("dir"));
        var settings = new ServerSettings(Path.Combine(directory.Path, "memory.db"))
        {
            ReadyTimeout = TimeSpan.FromMinutes(5),
            ExtraArguments = [.. args.ServerArguments],
        };
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"memory: {clients} clients, until {target:N0} creates or {minutes} min, RSS sampled every {sampleEvery.TotalSeconds:F0} s"));
        var serverOptions = ServerProcess.Options(settings);
        if (args.String("server-dll") is { } serverDll)
        {
            serverOptions = serverOptions with { Dll = Path.GetFullPath(serverDll) };
        }

        await using var server = await HostProcess.StartAsync(serverOptions, CancellationToken.None);
        var atReady = ProcessMemory.ResidentKiB(server.ProcessId);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"server {serverOptions.Dll} (pid {server.ProcessId}) ready {server.TimeToReady.TotalSeconds:F1} s after launch; RSS {atReady / 1024.0:F0} MiB"));
        using var http = LoopbackClient.Create(server.BaseAddress, clients);
        var bodies = Enumerable.Range(0, 1000).Select(CreateBenchmark.GoalBody).ToArray();

        var counters = new Counters(target);
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromMinutes(minutes);
        var load = Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(() => ClientLoopAsync(http, bodies, client, counters, clock, deadline))));
        var samples = new List<(double Seconds, long RssKiB)> { (0, atReady) };
        while (await Task.WhenAny(load, Task.Delay(sampleEvery)) != load)
        {
            var rss = ProcessMemory.ResidentKiB(server.ProcessId);
            samples.Add((clock.Elapsed.TotalSeconds, rss));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"t={clock.Elapsed.TotalSeconds,5:F0} s: {counters.Created,9:N0} Goals, RSS {rss / 1024.0:F0} MiB"));
        }

        await load;
        var elapsed = clock.Elapsed;
        var atEnd = ProcessMemory.ResidentKiB(server.ProcessId);
        var peak = Math.Max(ProcessMemory.PeakKiB(server.ProcessId), samples.Max(s => s.RssKiB));
        samples.Add((elapsed.TotalSeconds, atEnd));
        var secondHalf = samples.Where(s => s.Seconds >= elapsed.TotalSeconds / 2).ToList();
        var slope = SlopeMiBPerMinute(secondHalf);
        var perSecond = counters.Created / elapsed.TotalSeconds;

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"created {counters.Created:N0} Goals in {elapsed.TotalSeconds:F0} s ({perSecond:F0}/s); failed {counters.Failed}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"RSS: {atReady / 1024.0:F0} MiB when ready, {atEnd / 1024.0:F0} MiB after the creates, peak {peak / 1024.0:F0} MiB; second half ({secondHalf.Count} samples from t={secondHalf[0].Seconds:F0} s): {secondHalf[0].RssKiB / 1024.0:F0} to {secondHalf[^1].RssKiB / 1024.0:F0} MiB, slope {slope:F1} MiB/min"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {clients} | {counters.Created:N0} | {elapsed.TotalSeconds:F0} | {perSecond:F0} | {atReady / 1024.0:F0} | {atEnd / 1024.0:F0} | {peak / 1024.0:F0} | {slope:F1} | {counters.Failed} |"));
        return counters.Failed == 0 ? 0 : 1;
    }

    /// <summary>Least-squares slope of RSS against time, in MiB per minute; 0 with fewer than two samples.</summary>
    internal static double SlopeMiBPerMinute(IReadOnlyList<(double Seconds, long RssKiB)> samples)
    {
        if (samples.Count < 2)
        {
            return 0;
        }

        var meanT = samples.Average(s => s.Seconds);
        var meanR = samples.Average(s => s.RssKiB / 1024.0);
        var covariance = samples.Sum(s => (s.Seconds - meanT) * ((s.RssKiB / 1024.0) - meanR));
        var variance = samples.Sum(s => (s.Seconds - meanT) * (s.Seconds - meanT));
        return variance == 0 ? 0 : covariance / variance * 60;
    }

    private static async Task ClientLoopAsync(HttpClient http, byte[][] bodies, int client, Counters counters, Stopwatch clock, TimeSpan deadline)
    {
        var contentType = new MediaTypeHeaderValue("application/fhir+json");
        for (var i = client; counters.TryIssue() && clock.Elapsed < deadline; i += 7)
        {
            using var content = new ByteArrayContent(bodies[i % bodies.Length]);
            content.Headers.ContentType = contentType;
            try
            {
                using var response = await http.PostAsync("/fhir/Goal", content);
                await response.Content.LoadIntoBufferAsync();
                counters.Record(response.StatusCode == HttpStatusCode.Created ? null : ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
            }
            catch (HttpRequestException e)
            {
                counters.Record(e.GetType().Name);
            }
        }
    }

    private sealed class Counters(int target)
    {
        private int _issued;
        private int _created;
        private int _failed;

        public int Created => Volatile.Read(ref _created);

        public int Failed => Volatile.Read(ref _failed);

        public bool TryIssue() => Interlocked.Increment(ref _issued) <= target;

        /// <summary>What failed requests answered (status code or exception), counted.</summary>
        public System.Collections.Concurrent.ConcurrentDictionary<string, int> Failures { get; } = new(StringComparer.Ordinal);

        /// <summary>Counts one answer: created when <paramref name="failure"/> is null, else that failure.</summary>
        public void Record(string? failure)
        {
            if (failure is null)
            {
                Interlocked.Increment(ref _created);
                return;
            }

            Interlocked.Increment(ref _failed);
            Failures.AddOrUpdate(failure, 1, (_, n) => n + 1);
        }
    }
}
