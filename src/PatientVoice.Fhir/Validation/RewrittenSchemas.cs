using Firely.Fhir.Validation;
using Firely.Fhir.Validation.Compilation;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Newtonsoft.Json.Linq;

namespace PatientVoice.Fhir.Validation;

// Firely marks its schema resolvers and schema-rewriting API (IAssertionContainer) experimental; this file is the one place we use them.
#pragma warning disable ExperimentalApi

/// <summary>
/// Hands the validator Firely's compiled schemas with every slice-discriminator selector (<see cref="PathSelectorValidator"/>)
/// replaced by a <see cref="CompiledPathSelector"/>, which parses its FHIRPath once per process. Firely keeps the
/// compiled discriminator paths in the state of one validation run, so without this every validation parses each
/// discriminator of every profile it touches again: a quarter of the memory a Goal validation allocated
/// (docs/benchmarks.md, issue 19). Nothing else in a schema changes; the differential test
/// (tests/PatientVoice.Fhir.Tests/Differential) holds the result to full Firely validation built without it.
/// </summary>
public sealed class CompiledSelectorSchemaResolver(IElementSchemaResolver source, FhirPathCompiler compiler) : IElementSchemaResolver
{
    /// <summary>
    /// Firely's schema compiler over <paramref name="resolver"/> (what the validator builds when given no schema resolver),
    /// rewritten by this class, in Firely's schema cache: each schema is compiled and rewritten once.
    /// </summary>
    public static IElementSchemaResolver CreateCached(IAsyncResourceResolver resolver, FhirPathCompiler compiler) =>
        new CachedElementSchemaResolver(new CompiledSelectorSchemaResolver(StructureDefinitionToElementSchemaResolver.Create(resolver), compiler));

    public ElementSchema? GetSchema(Firely.Fhir.Validation.Canonical schemaUri) => source.GetSchema(schemaUri) is { } schema ? (ElementSchema)Rewrite(schema) : null;

    private IAssertion Rewrite(IAssertion assertion)
    {
        // Children first, so that a selector nested inside another selector's assertion is replaced too.
        var rewritten = assertion is IAssertionContainer container ? container.WithChildren((_, child) => Rewrite(child)) : assertion;
        return rewritten switch
        {
            PathSelectorValidator selector => new CompiledPathSelector(selector.Path, selector.Other, compiler),
            SliceValidator slicing => WithConditionsRewritten(slicing),
            _ => rewritten,
        };
    }

    // A slice's discriminator (its condition) is where the selectors are, and SliceValidator.WithChildren rewrites only
    // the slices' assertions and the default: the conditions are rewritten here, everything else kept as it is.
    private SliceValidator WithConditionsRewritten(SliceValidator slicing)
    {
        var slices = slicing.Slices
            .Select(slice => (Slice: slice, Condition: Rewrite(slice.Condition)))
            .ToList();
        return slices.All(s => ReferenceEquals(s.Condition, s.Slice.Condition))
            ? slicing
            : new SliceValidator(
                slicing.Ordered,
                slicing.DefaultAtEnd,
                slicing.Default,
                slices.Select(s => new SliceValidator.SliceCase(s.Slice.Name, s.Condition, s.Slice.Assertion, s.Slice.Required)),
                slicing.MultiCase);
    }
}

/// <summary>
/// A slice-discriminator selector with the behaviour of Firely's <see cref="PathSelectorValidator"/>: select with the
/// FHIRPath <see cref="Path"/>, then hold what it found to <see cref="Other"/> (one node, or the whole group when
/// <see cref="Other"/> validates groups); a selector that finds nothing or more than one node fails the slice.
/// The expression is compiled on first use and kept, with the process's one FHIRPath compiler. Thread-safe.
/// </summary>
public sealed class CompiledPathSelector : IValidatable, IAssertionContainer
{
    private readonly FhirPathCompiler _compiler;
    private readonly Lazy<CompiledExpression> _select;

    public CompiledPathSelector(string path, IAssertion other, FhirPathCompiler compiler)
    {
        Path = path;
        Other = other;
        _compiler = compiler;
        _select = new Lazy<CompiledExpression>(() => compiler.Compile(path), LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public string Path { get; }

    public IAssertion Other { get; }

    public ResultReport Validate(PocoNode input, ValidationSettings vc, ValidationState state)
    {
        var selected = _select.Value(input, new EvaluationContext()).ToList();
        if (Other is IGroupValidatable group)
        {
            return group.Validate(selected, vc, state);
        }

        return selected.Count switch
        {
            1 => Other is IValidatable one ? one.Validate(selected[0], vc, state) : ResultReport.SUCCESS,
            0 => Failed(input, $"The FhirPath selector {Path} did not return any results."),
            _ => Failed(input, $"The FhirPath selector {Path} returned too many ({selected.Count}) results."),
        };
    }

    public IAssertion WithChildren(Func<AssertionStep, IAssertion, IAssertion> rewrite)
    {
        var other = rewrite(AssertionStep.Member(), Other);
        return ReferenceEquals(other, Other) ? this : new CompiledPathSelector(Path, other, _compiler);
    }

    public JToken ToJson() =>
        new JProperty("pathSelector", new JObject(new JProperty("path", Path), new JProperty("assertion", new JObject(Other.ToJson()))));

    private static ResultReport Failed(PocoNode input, string message) =>
        new(ValidationResult.Failure, new TraceAssertion(input.GetLocation(), message));
}
