using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using PatientVoice.Fhir.Serialization;

namespace PatientVoice.Fhir.Tests.Differential;

/// <summary>
/// Runs the reference over every generated resource once, then any candidate over the same resources, from several threads,
/// and lists every resource on which the candidate decided differently (accept/reject, or the (severity, path) set of errors).
/// </summary>
public static class DifferentialRunner
{
    public static ReferenceRun RunReference(DifferentialCorpus corpus, IValidationCandidate reference, int threads)
    {
        var clock = Stopwatch.StartNew();
        var kinds = new PlannedCase[corpus.Count];
        Parallel.For(0, corpus.Count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i => kinds[i] = corpus.Make(i).Plan);
        var generation = clock.Elapsed;

        clock.Restart();
        var outcomes = new DifferentialOutcome[corpus.Count];
        Parallel.For(0, corpus.Count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i => outcomes[i] = reference.Validate(corpus.Make(i).Resource));
        return new ReferenceRun(reference.Name, kinds, outcomes, generation, clock.Elapsed);
    }

    public static CandidateRun Compare(DifferentialCorpus corpus, ReferenceRun reference, IValidationCandidate candidate, int threads)
    {
        var differences = new ConcurrentBag<Difference>();
        var clock = Stopwatch.StartNew();
        Parallel.For(0, corpus.Count, new ParallelOptions { MaxDegreeOfParallelism = threads }, i =>
        {
            var generated = corpus.Make(i);
            var outcome = candidate.Validate(generated.Resource);
            if (!outcome.SameAs(reference.Outcomes[i]))
            {
                differences.Add(new Difference(generated, reference.Outcomes[i], outcome));
            }
        });
        return new CandidateRun(candidate.Name, differences.OrderBy(d => d.Case.Plan.Index).ToList(), clock.Elapsed);
    }
}

/// <summary>What the reference decided about every generated resource, and the mix of the corpus.</summary>
public sealed record ReferenceRun(string Name, IReadOnlyList<PlannedCase> Cases, IReadOnlyList<DifferentialOutcome> Outcomes, TimeSpan Generation, TimeSpan Elapsed)
{
    public int Accepted => Outcomes.Count(o => o.Accepted);

    public int Rejected => Outcomes.Count - Accepted;

    public IEnumerable<(string Key, int Cases, int Accepted, int Rejected)> By(Func<PlannedCase, string> key) =>
        Cases.Select((c, i) => (Key: key(c), Accepted: Outcomes[i].Accepted))
            .GroupBy(x => x.Key, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, g.Count(), g.Count(x => x.Accepted), g.Count(x => !x.Accepted)));

    public string Summary()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Cases.Count} generated resources: {Accepted} accepted, {Rejected} rejected by the reference ({Name}); " +
            $"generated in {Generation.TotalSeconds:F1} s, reference validation {Elapsed.TotalSeconds:F1} s.");
        text.AppendLine("| type | resources | accepted | rejected |");
        text.AppendLine("|---|---|---|---|");
        foreach (var row in By(c => c.Type))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Key} | {row.Cases} | {row.Accepted} | {row.Rejected} |");
        }

        text.AppendLine("| mutation | resources | accepted | rejected |");
        text.AppendLine("|---|---|---|---|");
        foreach (var row in By(c => c.Kind.ToString()))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {row.Key} | {row.Cases} | {row.Accepted} | {row.Rejected} |");
        }

        return text.ToString();
    }
}

/// <summary>A candidate's run: every resource it decided differently from the reference.</summary>
public sealed record CandidateRun(string Name, IReadOnlyList<Difference> Differences, TimeSpan Elapsed)
{
    public string Report(int limit = 25)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{Name}: {Differences.Count} differences; validation {Elapsed.TotalSeconds:F1} s.");
        foreach (var d in Differences.Take(limit))
        {
            text.AppendLine(d.Describe());
        }

        return text.ToString();
    }
}

/// <summary>One resource decided differently: how it was made, both outcomes, the paths only one side reported, and the resource.</summary>
public sealed record Difference(GeneratedCase Case, DifferentialOutcome Reference, DifferentialOutcome Candidate)
{
    public string Describe()
    {
        var json = FhirJson.Serialize(Case.Resource);
        return $"#{Case.Plan.Index} {Case.Plan.Type} {Case.Kind} from {Case.SeedName}: {Case.Mutation}\n" +
            $"  reference: {(Reference.Accepted ? "accepted" : "rejected")} {Reference.Exception}\n    {string.Join("\n    ", Reference.Messages)}\n" +
            $"  candidate: {(Candidate.Accepted ? "accepted" : "rejected")} {Candidate.Exception}\n    {string.Join("\n    ", Candidate.Messages)}\n" +
            $"  only in reference: {string.Join(" | ", Reference.Errors.Except(Candidate.Errors))}\n" +
            $"  only in candidate: {string.Join(" | ", Candidate.Errors.Except(Reference.Errors))}\n" +
            $"  resource: {(json.Length > 3000 ? json[..3000] + "…" : json)}";
    }
}
