using Hl7.Fhir.Model;
using PatientVoice.Fhir.Conformance;

namespace PatientVoice.Fhir.Tests.Differential;

/// <summary>
/// The generated resources of the differential test: a fixed plan of (type, mutation kind) per case, and each case's
/// resource made on demand from its own seeded random, so the same index always gives the same resource (on any thread,
/// in any order) and 10,000+ resources never sit in memory at once.
/// </summary>
public sealed class DifferentialCorpus
{
    private const int Seed = 19;

    // More cases where our profiles have more to say; every supported type gets its share.
    private static readonly Dictionary<string, double> Weights = new(StringComparer.Ordinal)
    {
        ["Goal"] = 2.0,
        ["QuestionnaireResponse"] = 2.0,
        ["Observation"] = 2.0,
        ["Questionnaire"] = 1.5,
        ["DocumentReference"] = 1.5,
        ["Provenance"] = 1.5,
        ["List"] = 1.5,
    };

    private static readonly MutationKind[] Mutations = Enum.GetValues<MutationKind>().Where(k => k != MutationKind.Valid).ToArray();

    private readonly Dictionary<string, IReadOnlyList<Seed>> _seedsByType;

    public DifferentialCorpus(IReadOnlyList<Seed> seeds, int count)
    {
        _seedsByType = seeds.GroupBy(s => s.Type).ToDictionary(g => g.Key, g => (IReadOnlyList<Seed>)g.ToList(), StringComparer.Ordinal);
        var missing = SupportedResourceTypes.All.Where(t => !_seedsByType.ContainsKey(t)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"No seed for {string.Join(", ", missing)}.");
        }

        var total = SupportedResourceTypes.All.Sum(Weight);
        var plan = new List<PlannedCase>(count);
        foreach (var type in SupportedResourceTypes.All)
        {
            var quota = (int)Math.Ceiling(count * Weight(type) / total);
            for (var i = 0; i < quota; i++)
            {
                // A quarter valid variants (every seed as it is first), the rest one mutation of each kind in turn.
                var kind = i % 4 == 0 ? MutationKind.Valid : Mutations[(i - (i / 4) - 1) % Mutations.Length];
                plan.Add(new PlannedCase(plan.Count, type, kind, i / 4));
            }
        }

        Plan = plan;
    }

    public IReadOnlyList<PlannedCase> Plan { get; }

    public int Count => Plan.Count;

    /// <summary>The resource of case <paramref name="index"/>: a copy of a seed with one mutation of the planned kind.</summary>
    public GeneratedCase Make(int index)
    {
        var planned = Plan[index];
        // Not HashCode.Combine: that is seeded per process, and the corpus must be the same in every run.
        var random = new Random(unchecked((Seed * 1_000_003) + index));
        var seeds = _seedsByType[planned.Type];
        for (var attempt = 0; attempt < 20; attempt++)
        {
            // The first valid variants of a type are its seeds exactly as they are.
            var seed = planned.Kind == MutationKind.Valid && planned.Ordinal < seeds.Count ? seeds[planned.Ordinal] : seeds[random.Next(seeds.Count)];
            var resource = (Resource)seed.Resource.DeepCopy();
            var what = planned.Kind == MutationKind.Valid && planned.Ordinal < seeds.Count ? "unchanged" : Mutator.Apply(resource, planned.Kind, random);
            if (what is not null)
            {
                return new GeneratedCase(planned, seed.Name, what, resource);
            }
        }

        // No seed of this type offers a site for this kind (rare): the case becomes a valid variant.
        var fallback = seeds[random.Next(seeds.Count)];
        var copy = (Resource)fallback.Resource.DeepCopy();
        return new GeneratedCase(planned with { Kind = MutationKind.Valid }, fallback.Name, Mutator.Apply(copy, MutationKind.Valid, random)!, copy);
    }

    private static double Weight(string type) => Weights.GetValueOrDefault(type, 1.0);
}

/// <summary>Case <see cref="Index"/> of the plan: a resource of <see cref="Type"/> mutated by <see cref="Kind"/>.</summary>
public sealed record PlannedCase(int Index, string Type, MutationKind Kind, int Ordinal);

/// <summary>A generated resource and how it was made, for the report of a difference.</summary>
public sealed record GeneratedCase(PlannedCase Plan, string SeedName, string Mutation, Resource Resource)
{
    public MutationKind Kind => Plan.Kind;
}
