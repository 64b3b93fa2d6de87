using System.Diagnostics;
using System.Text.Json;
using PatientVoice.Testing;

namespace PatientVoice.Benchmarks;

/// <summary>
/// <c>search</c>: loads a data set through the store (or reuses <c>--db</c>), starts the server on it and
/// times <c>GET /fhir/Goal?patient=Patient/X</c> for random patients.
/// </summary>
internal static class SearchBenchmark
{
    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var dataset = new SyntheticDataset(args.Int("resources", 100_000), args.Int("patients", 10_000));
        var requests = args.Int("requests", 5_000);
        var warmup = args.Int("warmup-requests", 500);
        var clients = args.Int("clients", 1);
        var keep = args.String("db");
        using var directory = new ScratchDirectory(keep is null ? null : Path.GetDirectoryName(Path.GetFullPath(keep)));
        var database = keep is null ? Path.Combine(directory.Path, "search.db") : Path.GetFullPath(keep);

        await using var storage = await BenchmarkDatabase.OpenAsync(args);
        if (storage.IsPostgres)
        {
            if (await storage.CountResourcesAsync() is > 0 and var count)
            {
                Console.WriteLine($"reusing the {count:N0} resources in the PostgreSQL database");
            }
            else
            {
                Console.WriteLine($"loading {dataset.Resources:N0} resources over {dataset.Patients:N0} patients into PostgreSQL");
                await DatasetLoader.LoadPostgresAsync(storage.ConnectionString!, dataset, args.Int("batch", 5_000), CancellationToken.None);
            }

            await storage.AnalyzeAsync();
        }
        else if (File.Exists(database))
        {
            Console.WriteLine($"reusing {database} (delete it to reload)");
        }
        else
        {
            Console.WriteLine($"loading {dataset.Resources:N0} resources over {dataset.Patients:N0} patients into {database}");
            await DatasetLoader.LoadAsync(database, dataset, args.Int("batch", 5_000), CancellationToken.None);
        }

        var settings = new ServerSettings(database) { RequestLogging = args.Flag("request-logging"), ExtraArguments = storage.ServerArguments(args), ReadyTimeout = TimeSpan.FromMinutes(5) };
        await using var server = await ServerProcess.StartAsync(settings, CancellationToken.None);
        Console.WriteLine(FormattableString.Invariant($"server ready (/health/ready 200) {server.TimeToReady.TotalSeconds:F1} s after launch"));
        using var http = LoopbackClient.Create(server.BaseAddress, clients);

        await RunRequestsAsync(http, dataset, warmup, clients, seed: 1);
        var cpuBefore = server.CpuTime;
        var clock = Stopwatch.StartNew();
        var (latencies, matches, failed) = await RunRequestsAsync(http, dataset, requests, clients, seed: 2);
        clock.Stop();
        var serverCpu = server.CpuTime - cpuBefore;

        var distribution = new LatencyDistribution(latencies);
        Console.WriteLine($"Goal?patient= over {dataset.Resources:N0} resources, {clients} client(s), {requests} requests after {warmup} warm-up: {distribution.Summary()}");
        Console.WriteLine(FormattableString.Invariant($"  {requests / clock.Elapsed.TotalSeconds:F0} requests/s; mean {(matches.Count == 0 ? 0 : matches.Average()):F1} Goals per answer (expected {Math.Min(dataset.GoalsPerPatient, 20):F1}: every patient has {dataset.GoalsPerPatient:F1}, the first page holds 20); failed {failed}; server CPU {serverCpu.TotalSeconds / clock.Elapsed.TotalSeconds * 100:F0}%"));
        Console.WriteLine(FormattableString.Invariant(
            $"| {dataset.Resources:N0} | {clients} | {requests} | {distribution.PercentileMs(0.50):F2} | {distribution.PercentileMs(0.95):F2} | {distribution.PercentileMs(0.99):F2} | {distribution.MaxMs:F1} | {(matches.Count == 0 ? 0 : matches.Average()):F1} |"));
        if ((matches.Count == 0 ? 0 : matches.Average()) == 0)
        {
            Console.WriteLine("WARNING: no search matched anything: the search index is not filled on this build; these latencies measure an empty search.");
        }

        return failed == 0 ? 0 : 1;
    }

    private static async Task<(List<long> Latencies, List<int> Matches, int Failed)> RunRequestsAsync(HttpClient http, SyntheticDataset dataset, int requests, int clients, int seed)
    {
        var latencies = new List<long>(requests);
        var matches = new List<int>(requests);
        var failed = 0;
        var remaining = requests;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var random = new Random(seed * 1000 + client);
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                var patient = SyntheticDataset.PatientReference(random.Next(dataset.Patients));
                var begin = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync($"/fhir/Goal?patient={patient}");
                var body = await response.Content.ReadAsByteArrayAsync();
                var elapsed = Stopwatch.GetTimestamp() - begin;
                lock (latencies)
                {
                    if (!response.IsSuccessStatusCode)
                    {
                        if (failed++ == 0)
                        {
                            Console.WriteLine($"first failure: {(int)response.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
                        }

                        continue;
                    }

                    latencies.Add(elapsed);
                    matches.Add(CountEntries(body));
                }
            }
        })));
        return (latencies, matches, failed);
    }

    private static int CountEntries(byte[] bundle)
    {
        using var json = JsonDocument.Parse(bundle);
        return json.RootElement.TryGetProperty("entry", out var entries) ? entries.GetArrayLength() : 0;
    }
}
