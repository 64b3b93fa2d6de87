using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Fhir.Tests.Fixtures;
using PatientVoice.Fhir.Validation;
using Xunit.Abstractions;

namespace PatientVoice.Fhir.Tests.Differential;

/// <summary>
/// Issue 19's rule: a faster validation path must decide as full Firely validation does. 10,000+ generated and mutated
/// resources of every type we store; the reference is full Firely validation built from profiles/ and specification.zip
/// with snapshots generated at run time (<see cref="ReferenceValidator"/>); each candidate must accept and reject the same
/// resources and report errors at the same element paths. A faster path is one more candidate below.
/// </summary>
[Collection(ValidatorCollection.Name)]
[Trait("Category", "Differential")]
public sealed class DifferentialValidationTests(ValidatorFixture validators, DifferentialFixture differential, ITestOutputHelper output)
    : IClassFixture<DifferentialFixture>
{
    [Fact]
    public void The_generated_resources_cover_every_stored_type_and_every_mutation_with_many_accepted_and_many_rejected()
    {
        var reference = differential.Reference;
        output.WriteLine(reference.Summary());

        Assert.True(reference.Cases.Count >= DifferentialFixture.RequiredResources, $"{reference.Cases.Count} resources");
        var byType = reference.By(c => c.Type).ToDictionary(r => r.Key, StringComparer.Ordinal);
        foreach (var type in SupportedResourceTypes.All)
        {
            Assert.True(byType.TryGetValue(type, out var row), $"no {type}");
            Assert.True(row.Accepted >= 50 && row.Rejected >= 50, $"{type}: {row.Accepted} accepted, {row.Rejected} rejected");
        }

        var byKind = reference.By(c => c.Kind.ToString()).ToDictionary(r => r.Key, StringComparer.Ordinal);
        foreach (var kind in Enum.GetValues<MutationKind>())
        {
            Assert.True(byKind.TryGetValue(kind.ToString(), out var row) && row.Cases >= 100, $"{kind}: {row.Cases} resources");
        }

        Assert.True(reference.Accepted >= reference.Cases.Count / 5, $"{reference.Accepted} accepted");
        Assert.True(reference.Rejected >= reference.Cases.Count / 5, $"{reference.Rejected} rejected");
    }

    [Fact]
    public void The_same_index_always_generates_the_same_resource()
    {
        foreach (var index in new[] { 0, 1, 777, differential.Corpus.Count - 1 })
        {
            Assert.Equal(FhirJson.Serialize(differential.Corpus.Make(index).Resource), FhirJson.Serialize(differential.Corpus.Make(index).Resource));
        }
    }

    [Fact]
    public void The_production_validator_decides_every_generated_resource_as_full_Firely_validation_does()
    {
        // ADR 0028's shortcut (snapshots compiled at build time, schemas compiled lazily, one shared warmed validator
        // called from several threads with its default profiles) against snapshots generated at run time.
        var run = DifferentialRunner.Compare(differential.Corpus, differential.Reference, new ProductionCandidate(validators.Validator, "production: ProfileValidator over the compiled package, with the code-check memory"), DifferentialFixture.Threads);

        output.WriteLine(run.Report());
        Assert.True(run.Differences.Count == 0, run.Report());
    }

    [Fact]
    public void Without_its_memory_of_code_checks_the_production_validator_decides_as_full_Firely_validation_does_too()
    {
        // The same validator with ConformanceOptions.CodeValidationCacheSize = 0: every binding asks the SDK's local
        // terminology service, as before the memo (MemoisingTerminologyService). Both must match the reference.
        var options = new ConformanceOptions { CodeValidationCacheSize = 0 };
        var validator = new ProfileValidator(Options.Create(options), ConformancePackage.Load(options.ProfilesDirectory), NullLogger<ProfileValidator>.Instance);
        var run = DifferentialRunner.Compare(differential.Corpus, differential.Reference, new ProductionCandidate(validator, "production without the code-check memory"), DifferentialFixture.Threads);

        output.WriteLine(run.Report());
        Assert.True(run.Differences.Count == 0, run.Report());
    }

    [Fact]
    public async System.Threading.Tasks.Task With_its_memory_of_shapes_the_production_validator_decides_as_full_Firely_validation_does()
    {
        // ADR 0038: a resource whose shape (everything but plain free text and reference ids that no rule reads) was
        // validated before gets the remembered report. Each resource is preceded by its twin, so it is answered from memory.
        var options = new ConformanceOptions();
        var validator = new ProfileValidator(Options.Create(options), ConformancePackage.Load(options.ProfilesDirectory), NullLogger<ProfileValidator>.Instance);
        var candidate = new ShapeMemoryCandidate(validator, await validator.ShapeRules);
        var run = DifferentialRunner.Compare(differential.Corpus, differential.Reference, candidate, DifferentialFixture.Threads);

        var memory = validator.Shapes!;
        output.WriteLine($"{candidate.Twinned} of {differential.Corpus.Count} resources validated after a twin; memory: {memory.Hits} answers from memory, {memory.Misses} validated in full, {memory.Count} shapes held");
        output.WriteLine(run.Report());
        Assert.True(run.Differences.Count == 0, run.Report());
        Assert.True(candidate.Twinned >= differential.Corpus.Count / 2, $"only {candidate.Twinned} resources have a twin");
        Assert.True(memory.Hits >= candidate.Twinned * 9 / 10, $"{memory.Hits} answers from memory for {candidate.Twinned} twinned resources");
    }

    [Fact]
    public async System.Threading.Tasks.Task What_a_shape_leaves_out_changes_nothing_in_the_full_report_of_any_generated_resource()
    {
        // Stronger than the decision: full Firely validation (no memory) of each resource and of its twin gives the same
        // issues, warnings included, with the same severity, code, path and message; and the twin has the same shape.
        var options = new ConformanceOptions { ValidationShapeCacheSize = 0 };
        var rules = await validators.Validator.ShapeRules;
        var validator = new ProfileValidator(Options.Create(options), ConformancePackage.Load(options.ProfilesDirectory), NullLogger<ProfileValidator>.Instance);
        var differences = new System.Collections.Concurrent.ConcurrentBag<string>();
        var twinned = 0;
        Parallel.For(0, differential.Corpus.Count, new ParallelOptions { MaxDegreeOfParallelism = DifferentialFixture.Threads }, i =>
        {
            var resource = differential.Corpus.Make(i).Resource;
            if (ShapeTwins.Of(resource, rules, ProfileValidator.MaxShapeLength) is not { } twin)
            {
                return;
            }

            Interlocked.Increment(ref twinned);
            if (ValidationShape.Of(twin, rules, ProfileValidator.MaxShapeLength)?.Key != ValidationShape.Of(resource, rules, ProfileValidator.MaxShapeLength)?.Key)
            {
                differences.Add($"#{i}: the twin has another shape");
                return;
            }

            var own = FullReport(validator, resource);
            var twins = FullReport(validator, twin);
            if (!own.SequenceEqual(twins, StringComparer.Ordinal))
            {
                differences.Add($"#{i} {resource.TypeName}: resource [{string.Join(" | ", own)}] twin [{string.Join(" | ", twins)}]");
            }
        });

        output.WriteLine($"{twinned} of {differential.Corpus.Count} resources have a twin; {differences.Count} differ");
        Assert.True(differences.IsEmpty, string.Join("\n", differences.Take(20)));
        Assert.True(twinned >= differential.Corpus.Count / 2, $"only {twinned} resources have a twin");
    }

    private static List<string> FullReport(ProfileValidator validator, Hl7.Fhir.Model.Resource resource)
    {
        try
        {
            return validator.Validate(resource).Issues.Select(i => $"{i.Severity} {i.Code} {i.Expression}: {i.Diagnostics}").Order(StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // As the production candidate: a resource the validator cannot take (e.g. an unknown code in a POCO enum) throws.
            return [$"threw {e.GetType().Name}: {e.Message}"];
        }
    }
}
