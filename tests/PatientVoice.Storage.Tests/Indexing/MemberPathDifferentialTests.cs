using Hl7.Fhir.Model;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Tests.Differential;
using PatientVoice.Storage.Indexing;
using Xunit.Abstractions;

namespace PatientVoice.Storage.Tests.Indexing;

/// <summary>
/// Issue 19: the indexer walks search expressions that are only member paths over the resource's members instead of
/// evaluating FHIRPath (<see cref="MemberPaths"/>). Every stored type, 10,000+ generated resources (valid, and mutated:
/// removed, duplicated, emptied and unknown elements, wrong types, bad codes and references, broken slices and
/// constraints), our SearchParameters included: the index rows must be the ones the FHIRPath-only indexer makes.
/// </summary>
public sealed class MemberPathDifferentialTests(ITestOutputHelper output)
{
    private const int Resources = 10_000;

    private static SearchParameterRegistry Registry()
    {
        var options = new ConformanceOptions();
        return new SearchParameterRegistry().AddDefinitions(ConformancePackage.Load(options.ProfilesDirectory).SearchParameters);
    }

    [Fact]
    public void The_indexed_parameters_of_the_stored_types_are_member_paths_and_any_other_expression_stays_with_FHIRPath()
    {
        var registry = Registry();
        var indexed = SupportedResourceTypes.All.SelectMany(registry.ForType).Where(p => p.Source == SearchParameterSource.Indexed).ToList();
        var walked = indexed.Where(p => p.Paths is not null).ToList();
        output.WriteLine($"{walked.Count} of {indexed.Count} indexed parameters are member paths; with FHIRPath:");
        foreach (var parameter in indexed.Where(p => p.Paths is null))
        {
            output.WriteLine($"  {parameter.ResourceType}.{parameter.Name}: {parameter.Expression}");
        }


        Assert.True(walked.Count * 10 > indexed.Count * 9, $"{walked.Count} of {indexed.Count}");
        Assert.NotNull(registry.Find("Goal", "patient")!.Paths);                 // Goal.subject, Patient references only
        Assert.NotNull(registry.Find("AuditEvent", "patient")!.Paths);           // a union: agent.who | entity.what
        Assert.NotNull(registry.Find("Goal", "target-date")!.Paths);             // (Goal.target.due as date)
        Assert.NotNull(registry.Find("Observation", "value-string")!.Paths);     // ... | (Observation.value as CodeableConcept).text
        Assert.Null(MemberPaths.TryParse("Goal", "Goal.target.where(due.exists()).measure"));   // a filter: FHIRPath
        Assert.Null(MemberPaths.TryParse("Goal", "Goal.extension('http://x.example/e').value"));
        Assert.Null(MemberPaths.TryParse("Goal", "Observation.subject"));                       // another type's branch
    }

    [Fact]
    public void Walking_member_paths_indexes_every_generated_resource_exactly_as_FHIRPath_does()
    {
        var registry = Registry();
        var walking = new SearchIndexer(registry);
        var reference = new SearchIndexer(registry, null, walkMemberPaths: false);
        var options = new ConformanceOptions();
        var corpus = new DifferentialCorpus(SeedResources.Load(ConformancePackage.Load(options.ProfilesDirectory)), Resources);

        var differences = new List<string>();
        var rows = 0;
        for (var i = 0; i < corpus.Count; i++)
        {
            var generated = corpus.Make(i);
            var expected = reference.Extract(generated.Resource).ToHashSet();
            var actual = walking.Extract(generated.Resource);
            rows += actual.Count;
            if (actual.Count != expected.Count || !expected.SetEquals(actual))
            {
                differences.Add($"#{i} {generated.Plan.Type} {generated.Kind} ({generated.Mutation}): " +
                    $"missing [{string.Join(", ", expected.Except(actual))}], extra [{string.Join(", ", actual.Except(expected))}]");
            }
        }

        output.WriteLine($"{corpus.Count} resources, {rows} index rows, {differences.Count} differences");
        Assert.True(corpus.Count >= Resources);
        Assert.True(rows > corpus.Count * 3, $"{rows} rows");
        Assert.True(differences.Count == 0, string.Join(Environment.NewLine, differences.Take(20)));
    }

    [Fact]
    public void Narrowing_several_elements_or_a_specialised_type_gives_what_FHIRPath_gives()
    {
        // The generated corpus has neither: an Observation with two quantity components (as on a list of more than one
        // element), and a value whose type specialises the one asked for (an Age where "as Quantity" is asked).
        var components = new Observation
        {
            Status = ObservationStatus.Final,
            Code = new CodeableConcept("http://loinc.org", "85354-9"),
            Component =
            [
                new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "8480-6"), Value = new Quantity(120, "mm[Hg]") },
                new Observation.ComponentComponent { Code = new CodeableConcept("http://loinc.org", "8462-4"), Value = new Quantity(80, "mm[Hg]") },
            ],
        };
        var age = new Observation { Status = ObservationStatus.Final, Code = new CodeableConcept("http://loinc.org", "30525-0"), Value = new Age { Value = 42, Unit = "a" } };
        var registry = Registry();

        Assert.False(registry.Find("Observation", "component-value-quantity")!.Paths!.TryWalk(components, []));
        Assert.False(registry.Find("Observation", "value-quantity")!.Paths!.TryWalk(age, []));
        foreach (var observation in new[] { components, age })
        {
            Assert.Equal(
                new SearchIndexer(registry, null, walkMemberPaths: false).Extract(observation).ToHashSet(),
                new SearchIndexer(registry).Extract(observation).ToHashSet());
        }
    }

    [Fact]
    public void A_member_holding_data_that_does_not_fit_the_model_is_left_to_FHIRPath()
    {
        var goal = new Goal { Subject = new ResourceReference("Patient/1") };
        goal.SetValue("subject", new List<object> { "not an element" });   // kept by the model, but not elements
        var registry = Registry();
        var paths = registry.Find("Goal", "subject")!.Paths!;

        Assert.False(paths.TryWalk(goal, []));
        Assert.Equal(
            new SearchIndexer(registry, null, walkMemberPaths: false).Extract(goal).ToHashSet(),
            new SearchIndexer(registry).Extract(goal).ToHashSet());
    }
}
