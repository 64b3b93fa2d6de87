using System.Diagnostics;
using System.Text.Json;
using PatientVoice.Testing;

namespace PatientVoice.Benchmarks;

/// <summary>
/// <c>search</c>: loads a data set through the store (or reuses <c>--db</c>), starts the server on it and
/// times <c>GET /fhir/Goal?patient=Patient/X</c>, then <c>GET /fhir/QuestionnaireResponse?subject=Patient/X&amp;_revinclude=Provenance:target</c>,
/// for random patients (each its own warm-up and measured series).
/// </summary>
internal static class SearchBenchmark
{
    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var dataset = new SyntheticDataset(args.Int("resources", 100_000), args.Int("patients", 10_000));
        var requests = args.Int("requests", 5_000);
        // 5,000: after 500 (under a second of serving) the server was still compiling its hot paths (tiered JIT, PGO
        // instrumentation): a quarter of its CPU in the measured series was the JIT (docs/benchmarks.md, issue 19 search).
        var warmup = args.Int("warmup-requests", 5_000);
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
        else
        {
            await DatasetLoader.EnsureAsync(database, dataset, args.Int("batch", 5_000), CancellationToken.None);
        }

        var settings = new ServerSettings(database) { RequestLogging = args.Flag("request-logging"), ExtraArguments = storage.ServerArguments(args), ReadyTimeout = TimeSpan.FromMinutes(5) };
        var serverOptions = ServerProcess.Options(settings);
        if (args.String("server-dll") is { } serverDll)
        {
            // Another build of the server (e.g. main's, kept aside), for before/after runs alternated on one file.
            serverOptions = serverOptions with { Dll = Path.GetFullPath(serverDll) };
        }

        await using var server = await HostProcess.StartAsync(serverOptions, CancellationToken.None);
        Console.WriteLine(FormattableString.Invariant($"server {serverOptions.Dll} (pid {server.ProcessId}) ready (/health/ready 200) {server.TimeToReady.TotalSeconds:F1} s after launch"));
        using var http = LoopbackClient.Create(server.BaseAddress, clients);

        // Goal?patient=: the first page (20) of the patient's Goals.
        var goals = await MeasureAsync(server, http, dataset, requests, warmup, clients, "Goal?patient=", patient => $"/fhir/Goal?patient={patient}", seed: 1);
        var goalsPerAnswer = goals.Answers.Count == 0 ? 0 : goals.Answers.Average(a => a.Matches);
        Console.WriteLine($"Goal?patient= over {dataset.Resources:N0} resources, {clients} client(s), {requests} requests after {warmup} warm-up: {goals.Distribution.Summary()}");
        Console.WriteLine(FormattableString.Invariant($"  {goals.PerSecond:F0} requests/s; mean {goalsPerAnswer:F1} Goals per answer (expected {Math.Min(dataset.GoalsPerPatient, 20):F1}: every patient has {dataset.GoalsPerPatient:F1}, the first page holds 20); failed {goals.Failed}; server CPU {goals.ServerCpuShare * 100:F0}%"));
        Console.WriteLine(FormattableString.Invariant($"  server CPU {goals.ServerCpuMsPerRequest:F2} ms per request"));
        Console.WriteLine(FormattableString.Invariant(
            $"| {dataset.Resources:N0} | {clients} | {requests} | {goals.Distribution.PercentileMs(0.50):F2} | {goals.Distribution.PercentileMs(0.95):F2} | {goals.Distribution.PercentileMs(0.99):F2} | {goals.Distribution.MaxMs:F1} | {goalsPerAnswer:F1} |"));

        // QuestionnaireResponse?subject=…&_revinclude=Provenance:target: the patient's responses with the Provenance of each.
        var responses = await MeasureAsync(server, http, dataset, requests, warmup, clients, "QuestionnaireResponse?subject=&_revinclude=Provenance:target", patient => $"/fhir/QuestionnaireResponse?subject={patient}&_revinclude=Provenance:target", seed: 3);
        var responsesPerAnswer = responses.Answers.Count == 0 ? 0 : responses.Answers.Average(a => a.Matches);
        var provenancesPerAnswer = responses.Answers.Count == 0 ? 0 : responses.Answers.Average(a => a.IncludedProvenances);
        var strayIncludes = responses.Answers.Sum(a => a.StrayIncludes);
        var expectedResponses = Math.Min(dataset.ResponsesPerPatient, 20);
        Console.WriteLine($"QuestionnaireResponse?subject=&_revinclude=Provenance:target over {dataset.Resources:N0} resources, {clients} client(s), {requests} requests after {warmup} warm-up: {responses.Distribution.Summary()}");
        Console.WriteLine(FormattableString.Invariant($"  {responses.PerSecond:F0} requests/s; mean {responsesPerAnswer:F1} QuestionnaireResponses and {provenancesPerAnswer:F1} Provenances per answer (expected {expectedResponses:F1} and {expectedResponses:F1}: every patient has {dataset.ResponsesPerPatient:F1} responses, each the target of one Provenance); included resources that are not a Provenance of a matched response {strayIncludes}; failed {responses.Failed}; server CPU {responses.ServerCpuShare * 100:F0}%"));
        Console.WriteLine(FormattableString.Invariant($"  server CPU {responses.ServerCpuMsPerRequest:F2} ms per request"));
        Console.WriteLine(FormattableString.Invariant(
            $"| {dataset.Resources:N0} | {clients} | {requests} | {responses.Distribution.PercentileMs(0.50):F2} | {responses.Distribution.PercentileMs(0.95):F2} | {responses.Distribution.PercentileMs(0.99):F2} | {responses.Distribution.MaxMs:F1} | {responsesPerAnswer:F1} | {provenancesPerAnswer:F1} |"));

        if (goalsPerAnswer == 0 || responsesPerAnswer == 0)
        {
            Console.WriteLine("WARNING: no search matched anything: the search index is not filled on this build; these latencies measure an empty search.");
        }
        else if (provenancesPerAnswer == 0)
        {
            Console.WriteLine("WARNING: no Provenance was included: _revinclude=Provenance:target found nothing; these latencies measure an empty include.");
        }

        return goals.Failed == 0 && responses.Failed == 0 && strayIncludes == 0 ? 0 : 1;
    }

    private static async Task<Series> MeasureAsync(HostProcess server, HttpClient http, SyntheticDataset dataset, int requests, int warmup, int clients, string name, Func<string, string> path, int seed)
    {
        Console.WriteLine($"warming up {name}: {warmup} requests");
        await RunRequestsAsync(http, dataset, path, warmup, clients, seed);
        Console.WriteLine(FormattableString.Invariant($"measuring {name}: {requests} requests from {DateTime.UtcNow:HH:mm:ss} UTC"));
        var cpuBefore = server.CpuTime;
        var clock = Stopwatch.StartNew();
        var (latencies, answers, failed) = await RunRequestsAsync(http, dataset, path, requests, clients, seed + 1);
        clock.Stop();
        var serverCpu = server.CpuTime - cpuBefore;
        return new Series(new LatencyDistribution(latencies), answers, failed, requests / clock.Elapsed.TotalSeconds, serverCpu.TotalSeconds / clock.Elapsed.TotalSeconds, serverCpu.TotalMilliseconds / requests);
    }

    private static async Task<(List<long> Latencies, List<Answer> Answers, int Failed)> RunRequestsAsync(HttpClient http, SyntheticDataset dataset, Func<string, string> path, int requests, int clients, int seed)
    {
        var latencies = new List<long>(requests);
        var answers = new List<Answer>(requests);
        var failed = 0;
        var remaining = requests;
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var random = new Random(seed * 1000 + client);
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                var patient = SyntheticDataset.PatientReference(random.Next(dataset.Patients));
                var begin = Stopwatch.GetTimestamp();
                using var response = await http.GetAsync(path(patient));
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
                    answers.Add(Read(body));
                }
            }
        })));
        return (latencies, answers, failed);
    }

    /// <summary>
    /// The matches of a searchset, and of its included resources how many are a Provenance whose target is one of the
    /// matches and how many are anything else.
    /// </summary>
    private static Answer Read(byte[] bundle)
    {
        using var json = JsonDocument.Parse(bundle);
        if (!json.RootElement.TryGetProperty("entry", out var entries))
        {
            return new Answer(0, 0, 0);
        }

        var matched = new HashSet<string>(StringComparer.Ordinal);
        var included = new List<JsonElement>();
        foreach (var entry in entries.EnumerateArray())
        {
            var resource = entry.GetProperty("resource");
            var mode = entry.TryGetProperty("search", out var search) && search.TryGetProperty("mode", out var given) ? given.GetString() : "match";
            if (mode == "include")
            {
                included.Add(resource);
            }
            else if (mode == "match")
            {
                matched.Add($"{resource.GetProperty("resourceType").GetString()}/{resource.GetProperty("id").GetString()}");
            }
        }

        var provenances = included.Count(r => r.GetProperty("resourceType").GetString() == "Provenance"
            && r.TryGetProperty("target", out var targets)
            && targets.EnumerateArray().Any(t => t.TryGetProperty("reference", out var reference) && matched.Contains(reference.GetString() ?? "")));
        return new Answer(matched.Count, provenances, included.Count - provenances);
    }

    private sealed record Answer(int Matches, int IncludedProvenances, int StrayIncludes);

    private sealed record Series(LatencyDistribution Distribution, List<Answer> Answers, int Failed, double PerSecond, double ServerCpuShare, double ServerCpuMsPerRequest);
}
