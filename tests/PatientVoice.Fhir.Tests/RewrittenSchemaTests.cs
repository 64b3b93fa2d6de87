using Firely.Fhir.Validation;
using Firely.Fhir.Validation.Compilation;
using Hl7.Fhir.FhirPath;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;
using Hl7.Fhir.Specification.Source;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Tests.Fixtures;
using PatientVoice.Fhir.Validation;

namespace PatientVoice.Fhir.Tests;

// Firely's schema resolvers and its schema-walking API are marked experimental.
#pragma warning disable ExperimentalApi

/// <summary>
/// The schemas the validator runs (issue 19): Firely's compiled schemas with every slice-discriminator selector compiled
/// once per process (<see cref="CompiledSelectorSchemaResolver"/>). Here: the rewrite reaches every selector of every
/// schema we validate against, and changes nothing else (the serialized schema is Firely's, byte for byte). That whole
/// validations still decide as full Firely validation does is the differential test's job (Differential/).
/// </summary>
[Collection(ValidatorCollection.Name)]
public sealed class CompiledSelectorSchemaTests(ValidatorFixture validators)
{
    private static readonly string[] Datatypes = ["Extension", "CodeableConcept", "Coding", "Reference", "Identifier", "Quantity", "Meta", "Narrative"];

    [Fact]
    public void Every_discriminator_selector_of_our_profiles_core_resources_and_datatypes_is_compiled_once_and_nothing_else_changes()
    {
        var options = new ConformanceOptions();
        var resolver = ConformanceResolver.Create(validators.Package, options.CompiledPackagePath);
        var firely = StructureDefinitionToElementSchemaResolver.Create(resolver);
        var rewriting = new CompiledSelectorSchemaResolver(firely, new FhirPathCompiler(new SymbolTable().AddStandardFP().AddFhirExtensions()));

        var canonicals = validators.Package.Profiles.Select(p => p.Url)
            .Concat(SupportedResourceTypes.All.Concat(Datatypes).Select(t => $"http://hl7.org/fhir/StructureDefinition/{t}"))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        var selectors = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var canonical in canonicals)
        {
            var original = firely.GetSchema(new Canonical(canonical));
            var rewritten = rewriting.GetSchema(new Canonical(canonical));
            Assert.NotNull(original);
            Assert.NotNull(rewritten);
            Assert.Equal(original.GetType(), rewritten.GetType());

            var before = Walk(original).ToList();
            var after = Walk(rewritten).ToList();
            Assert.DoesNotContain(after, a => a is PathSelectorValidator);
            Assert.Equal(before.Count(a => a is PathSelectorValidator), after.Count(a => a is CompiledPathSelector));
            Assert.Equal(before.Count, after.Count);
            Assert.Equal(original.ToJson().ToString(), rewritten.ToJson().ToString());
            selectors[canonical] = after.Count(a => a is CompiledPathSelector);
        }

        // Not vacuous: the Goal profile slices category by pattern ($this), the one discriminator in our profiles today.
        var goal = validators.Package.Profiles.Single(p => p.Type == "Goal").Url;
        Assert.True(selectors[goal] >= 1, string.Join(", ", selectors.Select(kv => $"{kv.Key}: {kv.Value}")));
    }

    [Fact]
    public void A_schema_without_selectors_is_handed_on_as_it_is_and_an_unknown_canonical_stays_unknown()
    {
        var options = new ConformanceOptions();
        var firely = new CachedElementSchemaResolver(StructureDefinitionToElementSchemaResolver.Create(ConformanceResolver.Create(validators.Package, options.CompiledPackagePath)));
        var rewriting = new CompiledSelectorSchemaResolver(firely, new FhirPathCompiler());

        var text = new Canonical("http://hl7.org/fhir/StructureDefinition/string");
        Assert.Same(firely.GetSchema(text), rewriting.GetSchema(text));
        Assert.Null(rewriting.GetSchema(new Canonical("http://example.org/StructureDefinition/not-here")));
    }

    // Every assertion of a schema, including the slice conditions (discriminators), which Firely's walk does not visit.
    private static IEnumerable<IAssertion> Walk(IAssertion assertion)
    {
        yield return assertion;
        if (assertion is SliceValidator slicing)
        {
            foreach (var condition in slicing.Slices.SelectMany(s => Walk(s.Condition)))
            {
                yield return condition;
            }
        }

        if (assertion is IAssertionContainer container)
        {
            foreach (var child in container.Children().SelectMany(c => Walk(c.Child)))
            {
                yield return child;
            }
        }
    }
}
