using Firely.Fhir.Validation;
using Firely.Fhir.Validation.Compilation;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Newtonsoft.Json.Linq;

namespace PatientVoice.Fhir.Validation;

// Firely marks its schema resolvers and schema-rewriting API (IAssertionContainer) experimental; this file is the one place we use them.
#pragma warning disable ExperimentalApi

/// <summary>
/// Hands the validator Firely's compiled schemas with two kinds of assertion replaced by ones that decide the same way
/// with less work (docs/benchmarks.md, issue 19; ADR 0033):
/// <list type="bullet">
/// <item>every slice-discriminator selector (<see cref="PathSelectorValidator"/>) by a <see cref="CompiledPathSelector"/>,
/// which parses its FHIRPath once per process. Firely keeps the compiled discriminator paths in the state of one
/// validation run, so without this every validation parses each discriminator of every profile it touches again: a
/// quarter of the memory a Goal validation allocated;</item>
/// <item>when the validator's code checks are remembered (<paramref name="remembered"/>), every binding
/// (<see cref="BindingValidator"/>) by a <see cref="RememberedBindingValidator"/>, which answers a code already known to be
/// in its value set on the validating thread. Firely's binding check asks the terminology service through
/// <c>TaskHelper.Await</c>, a <c>Task.Run</c> and a blocked thread for every coded element, even when the answer is
/// already there.</item>
/// </list>
/// Nothing else in a schema changes; the differential test (tests/PatientVoice.Fhir.Tests/Differential) holds the result
/// to full Firely validation built without it.
/// </summary>
public sealed class RewrittenSchemaResolver(IElementSchemaResolver source, FhirPathCompiler compiler, MemoisingTerminologyService? remembered = null) : IElementSchemaResolver
{
    /// <summary>
    /// Firely's schema compiler over <paramref name="resolver"/> (what the validator builds when given no schema resolver),
    /// rewritten by this class, in Firely's schema cache: each schema is compiled and rewritten once.
    /// </summary>
    public static IElementSchemaResolver CreateCached(IAsyncResourceResolver resolver, FhirPathCompiler compiler, MemoisingTerminologyService? remembered = null) =>
        new CachedElementSchemaResolver(new RewrittenSchemaResolver(StructureDefinitionToElementSchemaResolver.Create(resolver), compiler, remembered));

    public ElementSchema? GetSchema(Firely.Fhir.Validation.Canonical schemaUri) => source.GetSchema(schemaUri) is { } schema ? (ElementSchema)Rewrite(schema) : null;

    private IAssertion Rewrite(IAssertion assertion)
    {
        // Children first, so that a selector nested inside another selector's assertion is replaced too.
        var rewritten = assertion is IAssertionContainer container ? container.WithChildren((_, child) => Rewrite(child)) : assertion;
        return rewritten switch
        {
            PathSelectorValidator selector => new CompiledPathSelector(selector.Path, selector.Other, compiler),
            SliceValidator slicing => WithConditionsRewritten(slicing),
            BindingValidator binding when remembered is not null => new RememberedBindingValidator(binding, remembered),
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

/// <summary>
/// A binding check that decides as Firely's <see cref="BindingValidator"/> (<see cref="Binding"/>) does, and answers on the
/// validating thread when the answer is already known: the element holds a code (a code, a coding with a code, or a
/// concept with one), the check would ask the terminology service (a required binding, or one Firely's settings check
/// too), and <paramref name="remembered"/> already holds the answer "in the value set" to exactly the question Firely would
/// ask (the same <c>$validate-code</c> parameters, display dropped as Firely drops it). Then Firely's answer is success with
/// nothing to report, and that is returned. In every other case (no code, a code not in the value set, a message from the
/// terminology service, an answer not yet known, another terminology service in the settings) Firely's own check runs.
/// </summary>
public sealed class RememberedBindingValidator(BindingValidator binding, MemoisingTerminologyService remembered) : IValidatable
{
    /// <summary>Firely's check, which this one stands for.</summary>
    public BindingValidator Binding { get; } = binding;

    public ResultReport Validate(PocoNode input, ValidationSettings vc, ValidationState state) =>
        IsKnownToBeInTheValueSet(input, vc) ? ResultReport.SUCCESS : ((IValidatable)Binding).Validate(input, vc, state);

    public JToken ToJson() => Binding.ToJson();

    private bool IsKnownToBeInTheValueSet(PocoNode input, ValidationSettings vc)
    {
        if (!ReferenceEquals(vc.ValidateCodeService, remembered)
            || !Binding.Checks.HasFlag(CodedContentChecks.Concepts)
            || !AsksTheTerminologyService())
        {
            return false;
        }

        // A code (Code or an enumeration's Code<T>) with a string value (never a wrongly typed literal), a coding or a
        // concept; strings, uris, quantities and extensions, rarer, are left to Firely.
        var question = input.Poco switch
        {
            PrimitiveType { TypeName: "code", JsonValue: string value } when value.Length > 0 => new ValidateCodeParameters().WithCode(value, inferSystem: true),
            Coding { Code.Length: > 0 } coding => new ValidateCodeParameters().WithCoding(WithDisplayAsChecked(coding)),
            CodeableConcept concept when concept.Coding.Any(c => !string.IsNullOrEmpty(c.Code)) => new ValidateCodeParameters().WithCodeableConcept(WithDisplayAsChecked(concept)),
            _ => null,
        };
        if (question is null || !ModelInspector.Base.IsBindable(input.Poco.TypeName))
        {
            return false;
        }

        question = question.WithValueSet(new Hl7.Fhir.Model.Canonical(Binding.ValueSetUri.ToString())).WithAbstract(Binding.AbstractAllowed);
        return remembered.TryGetKnownAnswer(question, out var answer)
            && answer.GetSingleValue<FhirBoolean>("result")?.Value == true
            && answer.GetSingleValue<FhirString>("message")?.Value is null;
    }

    // Firely asks for a required binding, and for an extensible or preferred one when its checks include those.
    private bool AsksTheTerminologyService() =>
        Binding.Strength == BindingValidator.BindingStrength.Required
        || (Binding.Checks.HasFlag(CodedContentChecks.NonRequiredBindings)
            && Binding.Strength is BindingValidator.BindingStrength.Extensible or BindingValidator.BindingStrength.Preferred);

    private Coding WithDisplayAsChecked(Coding coding)
    {
        if (Binding.Checks.HasFlag(CodedContentChecks.Displays))
        {
            return coding;
        }

        var copy = (Coding)coding.DeepCopy();
        copy.DisplayElement = null;
        return copy;
    }

    private CodeableConcept WithDisplayAsChecked(CodeableConcept concept)
    {
        if (Binding.Checks.HasFlag(CodedContentChecks.Displays))
        {
            return concept;
        }

        var copy = (CodeableConcept)concept.DeepCopy();
        foreach (var coding in copy.Coding)
        {
            coding.DisplayElement = null;
        }

        return copy;
    }
}
