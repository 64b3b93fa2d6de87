using System.Diagnostics;
using System.Globalization;
using PatientVoice.Testing;
using PatientVoice.Testing.Load;
using PatientVoice.Testing.Portal;

namespace PatientVoice.Benchmarks;

/// <summary>
/// <c>load</c>: the mixed load of issue 17 (<see cref="MixedLoad"/>) against the sandbox EHR and PatientVoice as the one
/// command runs them (SQLite), or <c>--instances 2 --store postgres</c>; per-step latency percentiles and errors, then
/// the data verified (<see cref="SubmissionVerification"/>). Exit code 1 on any error, lost or duplicated submission.
/// </summary>
internal static class MixedLoadBenchmark
{
    public static async Task<int> RunAsync(BenchmarkArguments args)
    {
        var users = args.Int("users", 16);
        var patients = args.Int("patients", (int)Math.Round(users * 0.625));
        var clinicians = args.Int("clinicians", (users - patients) / 2);
        var options = new MixedLoadOptions
        {
            Patients = patients,
            Clinicians = clinicians,
            Integrators = args.Int("integrators", users - patients - clinicians),
            Duration = TimeSpan.FromSeconds(args.Int("seconds", 60)),
            DraftEvery = TimeSpan.FromMilliseconds(args.Int("draft-every-ms", 3000)),
            DraftsPerForm = args.Int("drafts", 3),
            ThinkTime = TimeSpan.FromMilliseconds(args.Int("think-ms", 2000)),
        };
        var instances = args.Int("instances", 1);
        var postgres = (args.String("store") ?? (instances > 1 ? "postgres" : "sqlite")) == "postgres";
        await using var server = postgres ? await PostgresServer.StartAsync() : null;
        var stackOptions = new PortalStackOptions
        {
            Instances = instances,
            PostgresConnectionString = server is null ? null : await server.CreateDatabaseAsync("load"),
            AppArguments = args.ServerArguments,
            LogDirectory = args.String("logs") is { } logs ? Directory.CreateDirectory(logs).FullName : null,
        };
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"starting the sandbox EHR and {instances} PatientVoice instance(s) on {(postgres ? "PostgreSQL" : "SQLite")}…"));
        await using var stack = await PortalStack.StartAsync(stackOptions);
        using var target = new MixedLoadTarget([.. stack.Apps.Select(a => a.BaseAddress)], stack.EhrUrl, options.TotalUsers);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"load: {options.Patients} patients, {options.Clinicians} clinicians, {options.Integrators} integrators for {options.Duration.TotalSeconds:F0} s; load average before: {LoadAverage()}"));
        var cpuBefore = stack.Apps.Select(a => a.CpuTime).ToList();
        var clock = Stopwatch.StartNew();
        var recorder = await MixedLoad.RunAsync(target, options, MixedLoad.CompletedResponses(Path.Combine(AppContext.BaseDirectory, "CompletedResponses")), CancellationToken.None);
        var elapsed = clock.Elapsed;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ran {elapsed.TotalSeconds:F0} s; load average after: {LoadAverage()}; PatientVoice CPU {string.Join(", ", stack.Apps.Select((a, i) => $"{(a.CpuTime - cpuBefore[i]).TotalSeconds / elapsed.TotalSeconds * 100:F0}%"))}"));
        Console.WriteLine(recorder.Report(options.Duration));

        using var patientVoice = FhirSearch.ForPatientVoice(stack.AppUrl);
        using var ehr = await FhirSearch.ForEhrAsync(stack.EhrUrl, stack.BackendKeyPath, CancellationToken.None);
        clock.Restart();
        var verification = await SubmissionVerification.VerifyAsync(patientVoice, ehr, recorder.Acknowledged, TimeSpan.FromSeconds(args.Int("verify-seconds", 180)), CancellationToken.None);
        Console.Write(verification.Report());
        var errors = recorder.Errors.Count;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"| {instances} | {(postgres ? "PostgreSQL" : "SQLite")} | {options.TotalUsers} | {options.Duration.TotalMinutes:F1} min | {recorder.Acknowledged.Count} | {errors} | {verification.Lost} | {verification.Duplicated} | (verified in {clock.Elapsed.TotalSeconds:F0} s)"));
        return errors == 0 && verification.Clean ? 0 : 1;
    }

    private static string LoadAverage()
        => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
