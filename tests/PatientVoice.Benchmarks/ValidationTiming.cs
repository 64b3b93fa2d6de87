using System.Diagnostics;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Questionnaires;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Fhir.Validation;

namespace PatientVoice.Benchmarks;

/// <summary>
/// Cold and warm validation time per resource, measured with a stopwatch in a fresh process (BenchmarkDotNet cannot
/// measure a once-per-process cold start). Run: dotnet run -c Release --project tests/PatientVoice.Benchmarks -- validation [iterations]
/// </summary>
public static class ValidationTiming
{
    public static async System.Threading.Tasks.Task<int> RunAsync(string[] args)
    {
        var iterations = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 200;
        var process = Stopwatch.StartNew();
        var options = new ConformanceOptions();

        var clock = Stopwatch.StartNew();
        var package = ConformancePackage.Load(options.ProfilesDirectory);
        var loadMs = clock.Elapsed.TotalMilliseconds;

        var validator = new ProfileValidator(Options.Create(options), package, NullLogger<ProfileValidator>.Instance);
        var coldGoal = FhirJson.Parse<Resource>(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "profiles", "examples", "Goal-patient-stated-valid.json")));
        clock.Restart();
        await validator.ValidateAsync(coldGoal); // a request arriving at start-up: waits for the build stage only
        var coldMs = clock.Elapsed.TotalMilliseconds;
        await validator.WarmUpAsync();
        var warmUpMs = clock.Elapsed.TotalMilliseconds;

        Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {Environment.OSVersion}, .NET {Environment.Version}");
        Console.WriteLine($"package load: {loadMs:F0} ms; cold first validation (a Goal, in a fresh process, incl. building the validator): {coldMs:F0} ms; " +
            $"fully warm (WarmUpAsync done) after: {warmUpMs:F0} ms; process so far: {process.ElapsedMilliseconds} ms");
        Console.WriteLine();
        Console.WriteLine("| resource | first validation after warm-up (ms) | warm median (ms) | warm p95 (ms) | allocated per validation (KB) |");
        Console.WriteLine("|---|---|---|---|---|");

        var examples = Path.Combine(AppContext.BaseDirectory, "profiles", "examples");
        var samples = Directory.GetFiles(examples, "*-valid.json").Order(StringComparer.Ordinal)
            .Select(f => (Name: Path.GetFileName(f), Resource: FhirJson.Parse<Resource>(File.ReadAllText(f))))
            .Concat(package.Questionnaires.Select(q => (Name: $"Questionnaire {q.Id}", Resource: (Resource)q)))
            .ToList();

        foreach (var (name, resource) in samples)
        {
            clock.Restart();
            var first = await validator.ValidateAsync(resource);
            var firstMs = clock.Elapsed.TotalMilliseconds;
            var (warm, allocatedKb) = Measure(iterations, () => validator.Validate(resource));
            Console.WriteLine($"| {name}{(first.IsValid ? "" : " (INVALID)")} | {firstMs:F1} | {Median(warm):F2} | {Percentile(warm, 0.95):F2} | {allocatedKb:F0} |");
        }

        var responses = Path.Combine(AppContext.BaseDirectory, "CompletedResponses");
        if (Directory.Exists(responses))
        {
            var checker = new QuestionnaireResponseValidator();
            foreach (var file in Directory.GetFiles(responses, "*.json").Order(StringComparer.Ordinal))
            {
                var response = FhirJson.Parse<QuestionnaireResponse>(File.ReadAllText(file));
                var questionnaire = package.FindQuestionnaire(response.Questionnaire!)!;
                var (warm, allocatedKb) = Measure(iterations, () => checker.Validate(response, questionnaire));
                Console.WriteLine($"| QR vs Questionnaire {Path.GetFileName(file)} | - | {Median(warm):F3} | {Percentile(warm, 0.95):F3} | {allocatedKb:F0} |");
            }
        }

        return 0;
    }

    // Sorted times in ms, and the memory this thread allocated per iteration in KB.
    private static (List<double> Times, double AllocatedKb) Measure(int iterations, Action action)
    {
        var times = new List<double>(iterations);
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = new Stopwatch();
        for (var i = 0; i < iterations; i++)
        {
            clock.Restart();
            action();
            times.Add(clock.Elapsed.TotalMilliseconds);
        }

        var allocatedKb = (GC.GetAllocatedBytesForCurrentThread() - allocatedBefore) / 1024.0 / iterations;
        times.Sort();
        return (times, allocatedKb);
    }

    private static double Median(List<double> sorted) => sorted[sorted.Count / 2];

    private static double Percentile(List<double> sorted, double p) => sorted[(int)Math.Min(sorted.Count - 1, Math.Ceiling(p * sorted.Count) - 1)];
}
