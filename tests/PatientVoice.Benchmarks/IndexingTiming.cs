using System.Diagnostics;
using System.Globalization;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage.Indexing;
using PatientVoice.Web.Security.Audit;

namespace PatientVoice.Benchmarks;

/// <summary>
/// Search-index extraction alone, in one process: our valid examples and an AuditEvent as the audit trail writes it,
/// indexed by the FHIRPath-only indexer (every parameter evaluated with FHIRPath, as before issue 19's member paths)
/// and by the default one (member paths walked, <see cref="MemberPaths"/>), in alternating rounds, on one thread.
/// Run: dotnet run -c Release --project tests/PatientVoice.Benchmarks -- indexing [--seconds 3] [--rounds 3]
/// </summary>
internal static class IndexingTiming
{
    public static int Run(BenchmarkArguments args)
    {
        var seconds = args.Int("seconds", 3);
        var rounds = args.Int("rounds", 3);
        var registry = new SearchParameterRegistry().AddDefinitions(ConformancePackage.Load(new ConformanceOptions().ProfilesDirectory).SearchParameters);
        var indexers = new (string Name, SearchIndexer Indexer)[]
        {
            ("FHIRPath only", new SearchIndexer(registry, null, walkMemberPaths: false)),
            ("member paths walked", new SearchIndexer(registry)),
        };

        var examples = Path.Combine(AppContext.BaseDirectory, "profiles", "examples");
        var samples = Directory.GetFiles(examples, "*-valid.json").Order(StringComparer.Ordinal)
            .Select(f => (Name: Path.GetFileName(f), Resource: FhirJson.Parse<Resource>(File.ReadAllText(f))))
            .Append(("AuditEvent of a create (audit trail)", AuditEventFactory.Create(new AuditRecord(
                DateTimeOffset.UtcNow, "create", "POST", "Goal", "g1", null, 201, "https://issuer.example", "client-1", "subject-1",
                "Practitioner/dr-1", "p1", []))))
            .Append(("AuditEvent of a search (audit trail)", AuditEventFactory.Create(new AuditRecord(
                DateTimeOffset.UtcNow, "search-type", "GET", "Goal", null, "patient=p1", 200, "https://issuer.example", "client-1", "subject-1",
                null, "p1", []))))
            .ToList();

        foreach (var (_, indexer) in indexers)
        {
            foreach (var (_, resource) in samples)
            {
                for (var i = 0; i < 500; i++)
                {
                    indexer.Extract(resource);
                }
            }
        }

        Console.WriteLine($"{samples.Count} resources, {seconds} s per resource, indexer and round; one thread; {Environment.ProcessorCount} cores");
        Console.WriteLine("| round | resource | index rows | FHIRPath only: µs per extraction | member paths walked: µs per extraction | KB allocated, FHIRPath only / walked |");
        Console.WriteLine("|---|---|---:|---:|---:|---|");
        for (var round = 1; round <= rounds; round++)
        {
            foreach (var (name, resource) in samples)
            {
                var results = (round % 2 == 1 ? indexers : indexers.Reverse())
                    .Select(x => (x.Name, Result: Measure(x.Indexer, resource, TimeSpan.FromSeconds(seconds))))
                    .ToDictionary(x => x.Name, x => x.Result);
                var slow = results[indexers[0].Name];
                var fast = results[indexers[1].Name];
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {round} | {name} | {fast.Rows} | {slow.Microseconds:F1} | {fast.Microseconds:F1} | {slow.Kilobytes:F1} / {fast.Kilobytes:F1} |"));
            }
        }

        return 0;
    }

    private static (double Microseconds, double Kilobytes, int Rows) Measure(SearchIndexer indexer, Resource resource, TimeSpan duration)
    {
        var rows = 0;
        long count = 0;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            rows = indexer.Extract(resource).Count;
            count++;
        }

        return (clock.Elapsed.TotalMicroseconds / count, (GC.GetAllocatedBytesForCurrentThread() - allocated) / 1024.0 / count, rows);
    }
}
