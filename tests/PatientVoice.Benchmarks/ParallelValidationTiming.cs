using System.Diagnostics;
using System.Globalization;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Fhir.Validation;

namespace PatientVoice.Benchmarks;

/// <summary>
/// Validations per second from many threads at once, in one process, with the validator's code-check memory on and off
/// (<see cref="ConformanceOptions.CodeValidationCacheSize"/>), alternating rounds so that both see the same machine.
/// Run: dotnet run -c Release --project tests/PatientVoice.Benchmarks -- validation-parallel [--threads 16] [--seconds 10] [--rounds 3]
/// </summary>
public static class ParallelValidationTiming
{
    public static async System.Threading.Tasks.Task<int> RunAsync(string[] args)
    {
        var threads = Option(args, "--threads", 16);
        var seconds = Option(args, "--seconds", 10);
        var rounds = Option(args, "--rounds", 3);
        var examples = Path.Combine(AppContext.BaseDirectory, "profiles", "examples");
        var samples = Directory.GetFiles(examples, "*-valid*.json").Order(StringComparer.Ordinal)
            .Select(f => FhirJson.Parse<Resource>(File.ReadAllText(f))).ToList();

        var configurations = new (string Name, ProfileValidator Validator)[] { ("memory on", Build(new ConformanceOptions().CodeValidationCacheSize)), ("memory off", Build(0)) };
        foreach (var (_, validator) in configurations)
        {
            await validator.WarmUpAsync();
            foreach (var sample in samples)
            {
                validator.Validate(sample);
            }
        }

        Console.WriteLine($"{samples.Count} valid examples round-robin, {threads} threads, {seconds} s per round, {Environment.ProcessorCount} cores");
        Console.WriteLine("| round | validator | validations/s | process CPU ms per validation | load average |");
        Console.WriteLine("|---|---|---:|---:|---|");
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var (name, validator) in round % 2 == 1 ? configurations : configurations.Reverse())
            {
                var (count, cpu) = Measure(validator, samples, threads, TimeSpan.FromSeconds(seconds));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {round} | {name} | {count / (double)seconds:F0} | {cpu.TotalMilliseconds / count:F3} | {File.ReadAllText("/proc/loadavg").Split(' ')[0]} |"));
            }
        }

        return 0;
    }

    private static ProfileValidator Build(int cacheSize)
    {
        var options = new ConformanceOptions { CodeValidationCacheSize = cacheSize };
        return new ProfileValidator(Options.Create(options), ConformancePackage.Load(options.ProfilesDirectory), NullLogger<ProfileValidator>.Instance);
    }

    private static (long Count, TimeSpan Cpu) Measure(ProfileValidator validator, List<Resource> samples, int threads, TimeSpan duration)
    {
        long count = 0;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var stop = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            for (var i = t; stop.Elapsed < duration; i++)
            {
                validator.Validate(samples[i % samples.Count]);
                Interlocked.Increment(ref count);
            }
        })).ToArray();
        Task.WaitAll(workers);
        return (count, Process.GetCurrentProcess().TotalProcessorTime - cpuBefore);
    }

    private static int Option(string[] args, string name, int fallback)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : fallback;
    }
}
