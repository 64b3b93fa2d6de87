using Firely.Fhir.Validation;
using Firely.Fhir.Validation.Compilation;
using Hl7.Fhir.FhirPath;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;
using Hl7.Fhir.Model;
using Canonical = Firely.Fhir.Validation.Canonical;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Fhir.Tests.Fixtures;
using PatientVoice.Fhir.Validation;

namespace PatientVoice.Fhir.Tests;

// Firely's schema resolvers and its schema-walking API are marked experimental.
#pragma warning disable ExperimentalApi

/// <summary>
/// The schemas the validator runs (issue 19): Firely's compiled schemas with every slice-discriminator selector compiled
/// once per process and every binding answered from the remembered code checks when it can be
/// (<see cref="RewrittenSchemaResolver"/>). Here: the rewrite reaches every selector and binding of every schema we
/// validate against, changes nothing else (the serialized schema is Firely's, byte for byte), and a remembered answer
/// is used only where Firely would have got the same one. That whole validations still decide as full Firely validation
/// does is the differential test's job (Differential/).
/// </summary>
[Collection(ValidatorCollection.Name)]
public sealed class RewrittenSchemaTests(ValidatorFixture validators)
{
    private static readonly string[] Datatypes = ["Extension", "CodeableConcept", "Coding", "Reference", "Identifier", "Quantity", "Meta", "Narrative"];

    [Fact]
    public void Every_discriminator_selector_and_binding_of_our_profiles_core_resources_and_datatypes_is_replaced_once_and_nothing_else_changes()
    {
        var options = new ConformanceOptions();
        var resolver = ConformanceResolver.Create(validators.Package, options.CompiledPackagePath);
        var firely = StructureDefinitionToElementSchemaResolver.Create(resolver);
        var rewriting = new RewrittenSchemaResolver(firely, new FhirPathCompiler(new SymbolTable().AddStandardFP().AddFhirExtensions()), Remembering());

        var canonicals = validators.Package.Profiles.Select(p => p.Url)
            .Concat(SupportedResourceTypes.All.Concat(Datatypes).Select(t => $"http://hl7.org/fhir/StructureDefinition/{t}"))
            .Distinct(StringComparer.Ordinal)
            .ToList();

        var selectors = new Dictionary<string, int>(StringComparer.Ordinal);
        var bindings = new Dictionary<string, int>(StringComparer.Ordinal);
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
            Assert.DoesNotContain(after, a => a is BindingValidator);
            Assert.Equal(before.Count(a => a is BindingValidator), after.Count(a => a is RememberedBindingValidator));
            Assert.Equal(before.Count, after.Count);
            Assert.Equal(original.ToJson().ToString(), rewritten.ToJson().ToString());
            selectors[canonical] = after.Count(a => a is CompiledPathSelector);
            bindings[canonical] = after.Count(a => a is RememberedBindingValidator);
        }

        // Not vacuous: the Goal profile slices category by pattern ($this), the one discriminator in our profiles today.
        var goal = validators.Package.Profiles.Single(p => p.Type == "Goal").Url;
        Assert.True(selectors[goal] >= 1, string.Join(", ", selectors.Select(kv => $"{kv.Key}: {kv.Value}")));
        // ...and binds its lifecycle status, achievement status and priority, among others, to value sets.
        Assert.True(bindings[goal] >= 3, string.Join(", ", bindings.Select(kv => $"{kv.Key}: {kv.Value}")));
    }

    [Fact]
    public void Without_remembered_code_checks_the_bindings_are_firelys_own()
    {
        var options = new ConformanceOptions();
        var firely = StructureDefinitionToElementSchemaResolver.Create(ConformanceResolver.Create(validators.Package, options.CompiledPackagePath));
        var rewriting = new RewrittenSchemaResolver(firely, new FhirPathCompiler());

        var goal = rewriting.GetSchema(new Canonical(validators.Package.Profiles.Single(p => p.Type == "Goal").Url));

        Assert.NotNull(goal);
        Assert.Contains(Walk(goal), a => a is BindingValidator);
        Assert.DoesNotContain(Walk(goal), a => a is RememberedBindingValidator);
    }

    [Fact]
    public void A_code_known_to_be_in_its_value_set_is_answered_from_memory_and_one_that_is_not_is_still_reported_by_firely()
    {
        var (validator, memo) = FirelyWithRewrittenSchemas();
        var goal = (Goal)validators.Package.LoadValidExamples().First(r => r is Goal);
        var profile = validators.Package.Profiles.Single(p => p.Type == "Goal").Url;

        // The first validation asks each question once (through Firely's check), and the memo keeps the answers.
        var first = validator.Validate(goal, profile);
        var askedOnce = memo.Asked;
        Assert.True(first.Success, first.ToString());
        Assert.True(askedOnce >= 1);

        // The same Goal again: every binding answered on this thread from memory, Firely's check never asked, same outcome.
        var again = validator.Validate(goal, profile);
        Assert.Equal(askedOnce, memo.Asked);
        Assert.Equal(FhirJson.Serialize(first), FhirJson.Serialize(again));

        // A status not in the value set: not known to be in it, so Firely's check runs and reports it, every time.
        var wrong = (Goal)goal.DeepCopy();
        wrong.LifecycleStatusElement.JsonValue = "zz-not-a-status";
        for (var i = 0; i < 2; i++)
        {
            var asked = memo.Asked;
            var outcome = validator.Validate(wrong, profile);
            Assert.False(outcome.Success);
            Assert.Contains(outcome.Issue, issue => issue.Severity == OperationOutcome.IssueSeverity.Error
                && issue.Expression.Concat(issue.Location).Any(path => path.Contains("lifecycleStatus", StringComparison.Ordinal))
                && (issue.Details?.Text ?? issue.Diagnostics ?? "").Contains("zz-not-a-status", StringComparison.Ordinal));
            Assert.True(memo.Asked > asked);
        }
    }

    [Fact]
    public void With_another_terminology_service_in_the_settings_firelys_check_asks_that_one()
    {
        var options = new ConformanceOptions();
        var resolver = ConformanceResolver.Create(validators.Package, options.CompiledPackagePath);
        var memo = Remembering();
        var other = Remembering();
        var schemas = RewrittenSchemaResolver.CreateCached(resolver, new FhirPathCompiler(), memo);
        var goal = (Goal)validators.Package.LoadValidExamples().First(r => r is Goal);
        var profile = validators.Package.Profiles.Single(p => p.Type == "Goal").Url;

        // The rewritten schemas remember with memo; the validator below asks other. memo, though full, is never read.
        new Validator(resolver, memo, null, null, schemas).Validate(goal, profile);
        var outcome = new Validator(resolver, other, null, null, schemas).Validate(goal, profile);

        Assert.True(outcome.Success, outcome.ToString());
        Assert.True(other.Asked >= 1);
    }

    [Fact]
    public void A_schema_without_selectors_is_handed_on_as_it_is_and_an_unknown_canonical_stays_unknown()
    {
        var options = new ConformanceOptions();
        var firely = new CachedElementSchemaResolver(StructureDefinitionToElementSchemaResolver.Create(ConformanceResolver.Create(validators.Package, options.CompiledPackagePath)));
        var rewriting = new RewrittenSchemaResolver(firely, new FhirPathCompiler());

        var text = new Canonical("http://hl7.org/fhir/StructureDefinition/string");
        Assert.Same(firely.GetSchema(text), rewriting.GetSchema(text));
        Assert.Null(rewriting.GetSchema(new Canonical("http://example.org/StructureDefinition/not-here")));
    }

    private MemoisingTerminologyService Remembering()
    {
        var options = new ConformanceOptions();
        return new MemoisingTerminologyService(new LocalTerminologyService(ConformanceResolver.Create(validators.Package, options.CompiledPackagePath).AsAsync()), 1_000);
    }

    private (Validator Validator, MemoisingTerminologyService Memo) FirelyWithRewrittenSchemas()
    {
        var options = new ConformanceOptions();
        var resolver = ConformanceResolver.Create(validators.Package, options.CompiledPackagePath);
        var memo = Remembering();
        return (new Validator(resolver, memo, null, null, RewrittenSchemaResolver.CreateCached(resolver, new FhirPathCompiler(), memo)), memo);
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
