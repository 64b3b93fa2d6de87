using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using PatientVoice.Testing;

namespace PatientVoice.Benchmarks;

/// <summary>
/// <c>export</c>: loads a data set through the store (or reuses <c>--db</c> / the PostgreSQL database), starts the server on
/// it and runs one system-level Bulk Data <c>$export</c> of everything: wall time from the kick-off to the 200 manifest,
/// resources written per second, and the server process's resident memory before and at its peak during the export
/// (VmRSS sampled every 20 ms, and the kernel's own high-water mark VmHWM, reset just before the kick-off).
/// </summary>
internal static class ExportBenchmark
{
    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var dataset = new SyntheticDataset(args.Int("resources", 100_000), args.Int("patients", 10_000));
        var keep = args.String("db");
        using var directory = new ScratchDirectory(keep is null ? null : Path.GetDirectoryName(Path.GetFullPath(keep)));
        var database = keep is null ? Path.Combine(directory.Path, "export.db") : Path.GetFullPath(keep);
        using var exportFolder = new ScratchDirectory(null);

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

        var settings = new ServerSettings(database)
        {
            RequestLogging = args.Flag("request-logging"),
            ExtraArguments = [.. storage.ServerArguments(args), $"--Export:Folder={exportFolder.Path}"],
            ReadyTimeout = TimeSpan.FromMinutes(5),
        };
        await using var server = await ServerProcess.StartAsync(settings, CancellationToken.None);
        Console.WriteLine(FormattableString.Invariant($"server ready (/health/ready 200) {server.TimeToReady.TotalSeconds:F1} s after launch"));
        using var http = LoopbackClient.Create(server.BaseAddress, 1);
        http.DefaultRequestHeaders.Remove("Authorization");
        http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", ServerProcess.Authorization("system/*.rs"));

        var baseline = ProcessMemory.ResidentKiB(server.ProcessId);
        if (!ProcessMemory.ResetPeak(server.ProcessId))
        {
            Console.WriteLine("note: could not reset VmHWM; the peak is from the 20 ms VmRSS samples only.");
        }

        var peak = baseline;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                peak = Math.Max(peak, ProcessMemory.ResidentKiB(server.ProcessId));
                await Task.Delay(20).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });

        var cpuBefore = server.CpuTime;
        var clock = Stopwatch.StartNew();
        using var kickOff = new HttpRequestMessage(HttpMethod.Get, "/fhir/$export");
        kickOff.Headers.Add("Prefer", "respond-async");
        kickOff.Headers.Add("Accept", "application/fhir+json");
        using var accepted = await http.SendAsync(kickOff);
        if ((int)accepted.StatusCode != 202)
        {
            Console.WriteLine($"kick-off failed: {(int)accepted.StatusCode} {await accepted.Content.ReadAsStringAsync()}");
            return 1;
        }

        var statusUrl = accepted.Content.Headers.ContentLocation!;
        string manifest;
        string progress = "";
        while (true)
        {
            using var status = await http.GetAsync(statusUrl);
            if ((int)status.StatusCode == 202)
            {
                progress = status.Headers.TryGetValues("X-Progress", out var values) ? string.Join("", values) : progress;
                await Task.Delay(200);
                continue;
            }

            manifest = await status.Content.ReadAsStringAsync();
            if ((int)status.StatusCode != 200)
            {
                Console.WriteLine($"export failed: {(int)status.StatusCode} {manifest} (last progress: {progress})");
                return 1;
            }

            break;
        }

        clock.Stop();
        var serverCpu = server.CpuTime - cpuBefore;
        await sampling.CancelAsync();
        await sampler;
        var highWater = ProcessMemory.PeakKiB(server.ProcessId);
        peak = Math.Max(peak, highWater);

        using var document = JsonDocument.Parse(manifest);
        var files = document.RootElement.GetProperty("output").EnumerateArray().ToList();
        var resources = files.Sum(f => f.GetProperty("count").GetInt64());
        var bytes = Directory.EnumerateFiles(exportFolder.Path, "*.ndjson", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        var perSecond = resources / clock.Elapsed.TotalSeconds;
        var growth = (peak - baseline) / 1024.0;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"exported {resources:N0} resources in {files.Count} files ({bytes / (1024.0 * 1024.0):F0} MiB of ndjson) in {clock.Elapsed.TotalSeconds:F1} s: {perSecond:F0} resources/s; server CPU {serverCpu.TotalSeconds / clock.Elapsed.TotalSeconds * 100:F0}% of one core"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"server RSS {baseline / 1024.0:F0} MiB before the kick-off, peak {peak / 1024.0:F0} MiB (VmHWM {highWater / 1024.0:F0} MiB): growth {growth:F0} MiB"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {(storage.IsPostgres ? "PostgreSQL" : "SQLite")} | {resources:N0} | {clock.Elapsed.TotalSeconds:F1} | {perSecond:F0} | {baseline / 1024.0:F0} | {peak / 1024.0:F0} | {growth:F0} |"));
        if (resources < dataset.Resources && !storage.IsPostgres && keep is null)
        {
            Console.WriteLine($"WARNING: {dataset.Resources:N0} resources were loaded but {resources:N0} exported.");
        }

        return 0;
    }
}
