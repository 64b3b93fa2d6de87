using System.Text.RegularExpressions;
using Hl7.Fhir.Introspection;
using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;
using PatientVoice.Fhir.Conformance;
using Expression = Hl7.FhirPath.Expressions.Expression;

namespace PatientVoice.Fhir.Validation;

/// <summary>
/// Which free-text values no validation rule reads (ADR 0038): the element names whose string, markdown or id values the
/// validator only checks for presence and for their datatype's lexical form, so that any two plain values there validate
/// alike. Worked out once from the conformance resources the validator uses: our profiles (with their snapshots), the R4
/// core definitions of the resource types we store and of every datatype.
/// <para>
/// A name is <em>read</em>, and its values kept as they are in a <see cref="ValidationShape"/>, when any definition there
/// gives an element of that name a binding, a fixed or pattern value, a maxLength or a min/max value, or a constraint of its
/// own; when any fixed or pattern value has a member of that name; when a slicing discriminator's path mentions it; or when
/// any constraint's FHIRPath reads it other than to test that it is there (<c>exists()</c>, <c>empty()</c>,
/// <c>count()</c>, <c>hasValue()</c>) or to step into its children. A constraint that walks the tree reflectively
/// (<c>children()</c>, <c>descendants()</c>, <c>repeat()</c>) for anything but a count reads every name.
/// </para>
/// <para>
/// <c>Reference.reference</c> is judged on its own: its values are the literal references <c>Type/id</c>, and a shape keeps
/// their type and which of them are equal (<see cref="ValidationShape"/>). So it is <see cref="ReferenceIdsAreOpaque"/>
/// when every read of it compares it with another reference (<c>=</c>, <c>!=</c>) or looks for a type prefix
/// (<c>contains('Patient/')</c>, <c>startsWith('#')</c>).
/// </para>
/// <para>
/// Three core invariants are set aside, each for a stated reason: <c>ele-1</c> (<c>hasValue() or (children().count() &gt;
/// id.count())</c>) only counts; <c>dom-3</c> reads references only of resources with contained resources, which a shape
/// never stands for; <c>ref-1</c> reads the id only of references that start with '#', which a shape keeps as they are.
/// </para>
/// </summary>
public sealed partial class ValidationShapeRules
{
    private static readonly HashSet<string> SetAside = new(StringComparer.Ordinal) { "ele-1", "dom-3", "ref-1" };
    private static readonly HashSet<string> PresenceFunctions = new(StringComparer.Ordinal) { "exists", "empty", "count", "hasValue" };
    private static readonly HashSet<string> ReflectiveFunctions = new(StringComparer.Ordinal) { "children", "descendants", "repeat", "allDescendants" };
    private static readonly HashSet<string> TextTypes = new(StringComparer.Ordinal) { "string", "markdown", "id" };

    private readonly IReadOnlyDictionary<string, TypeRules> _types;

    private ValidationShapeRules(IReadOnlyDictionary<string, TypeRules> types) => _types = types;

    /// <summary>No resource type has opaque values: nothing gets a shape.</summary>
    public static ValidationShapeRules None { get; } = new(new Dictionary<string, TypeRules>());

    /// <summary>The rules for one resource type, or null when the type was not analysed (its resources get no shape).</summary>
    public TypeRules? For(string resourceType) => _types.GetValueOrDefault(resourceType);

    /// <summary>The rules of one resource type: which names are opaque, and why the other text-valued names are not.</summary>
    public sealed class TypeRules(
        IReadOnlySet<string> opaque,
        IReadOnlyDictionary<string, IReadOnlySet<string>> readWithin,
        IReadOnlySet<string> bound,
        bool referenceIdsAreOpaque,
        IReadOnlyList<string> reasons)
    {
        /// <summary>
        /// Names read only within values of one datatype (by that datatype's own constraints), by datatype; "*" when the
        /// datatype's constraints walk its values reflectively, so that everything within them is kept.
        /// </summary>
        public IReadOnlyDictionary<string, IReadOnlySet<string>> ReadWithin => readWithin;

        /// <summary>True when <paramref name="name"/> is read within values of <paramref name="datatype"/>.</summary>
        public bool IsReadWithin(string datatype, string name) =>
            readWithin.TryGetValue(datatype, out var names) && (names.Contains(name) || names.Contains("*"));

        /// <summary>Names of elements with a required or extensible binding somewhere: every value under them is kept.</summary>
        public IReadOnlySet<string> BoundNames => bound;

        public bool IsBound(string name) => bound.Contains(name);

        /// <summary>The element names whose plain string, markdown and id values no rule reads.</summary>
        public IReadOnlySet<string> OpaqueNames => opaque;

        /// <summary>True when rules read <c>Reference.reference</c> only to compare references or test a type prefix.</summary>
        public bool ReferenceIdsAreOpaque => referenceIdsAreOpaque;

        /// <summary>Why each text-valued name that is kept as it is was kept.</summary>
        public IReadOnlyList<string> Reasons => reasons;

        public bool IsOpaque(string name) => opaque.Contains(name);
    }

    /// <summary>
    /// Works the rules out for <paramref name="resourceTypes"/> from our profiles and the R4 core definitions (a second or
    /// so; call it off the request path).
    /// </summary>
    public static ValidationShapeRules Build(CachedResolver resolver, ConformancePackage package, FhirPathCompiler compiler, IEnumerable<string> resourceTypes)
    {
        StructureDefinition? Resolve(string canonical) =>
            resolver.ResolveByCanonicalUriAsync(canonical).GetAwaiter().GetResult() as StructureDefinition is { Snapshot: not null } definition ? definition : null;

        var profiles = package.Profiles.Select(p => p.Url).OfType<string>().Select(Resolve).OfType<StructureDefinition>().ToList();
        var datatypes = ModelInfo.ModelInspector.ClassMappings
            .Where(m => !m.IsResource && !m.IsCodeOfT && !m.IsBackboneType)
            .Select(m => Resolve($"http://hl7.org/fhir/StructureDefinition/{m.Name}"))
            .OfType<StructureDefinition>()
            .Concat(profiles.Where(p => p.Kind != StructureDefinition.StructureDefinitionKind.Resource))
            .ToList();
        var bases = new[] { "Resource", "DomainResource" }.Select(t => Resolve($"http://hl7.org/fhir/StructureDefinition/{t}")).OfType<StructureDefinition>().ToList();

        // Every type shares the datatypes' and bases' facts: each definition is analysed once.
        var facts = new Dictionary<StructureDefinition, DefinitionFacts>(ReferenceEqualityComparer.Instance);
        DefinitionFacts FactsOnce(StructureDefinition definition) =>
            facts.TryGetValue(definition, out var known) ? known : facts[definition] = FactsOf(definition, compiler);

        var types = new Dictionary<string, TypeRules>(StringComparer.Ordinal);
        foreach (var type in resourceTypes)
        {
            if (Resolve($"http://hl7.org/fhir/StructureDefinition/{type}") is not { } core)
            {
                continue;
            }

            types[type] = Analyse([.. datatypes, .. bases, core, .. profiles.Where(p => p.Kind == StructureDefinition.StructureDefinitionKind.Resource && p.Type == type)], FactsOnce);
        }

        return new ValidationShapeRules(types);
    }

    /// <summary>The analysis itself, over the given definitions (their snapshots): everything one resource type is checked against.</summary>
    public static TypeRules Analyse(IEnumerable<StructureDefinition> definitions, FhirPathCompiler compiler) =>
        Analyse(definitions, definition => FactsOf(definition, compiler));

    private static TypeRules Analyse(IEnumerable<StructureDefinition> definitions, Func<StructureDefinition, DefinitionFacts> factsOf)
    {
        var candidates = new HashSet<string>(StringComparer.Ordinal);
        var read = new Dictionary<string, string>(StringComparer.Ordinal);
        var readWithin = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        var bound = new HashSet<string>(StringComparer.Ordinal);
        foreach (var facts in definitions.Select(factsOf))
        {
            candidates.UnionWith(facts.Candidates);
            bound.UnionWith(facts.Bound);
            foreach (var (scope, name, why) in facts.Reads)
            {
                // What a datatype's own definition reads is read only within values of that datatype (age-1 reads Age.value,
                // not a QuestionnaireResponse answer's value); what a resource or profile definition reads is read anywhere.
                if (scope.Length == 0 || name == "reference")
                {
                    read.TryAdd(name, why);
                }
                else
                {
                    (readWithin.TryGetValue(scope, out var names) ? names : readWithin[scope] = new(StringComparer.Ordinal)).TryAdd(name, why);
                }
            }
        }

        if (read.TryGetValue("*", out var everything))
        {
            return new TypeRules(new HashSet<string>(), new Dictionary<string, IReadOnlySet<string>>(), new HashSet<string>(), false, [everything]);
        }

        var opaque = candidates.Where(c => !read.ContainsKey(c)).ToHashSet(StringComparer.Ordinal);
        var reasons = candidates.Where(read.ContainsKey).Order(StringComparer.Ordinal).Select(c => $"{c}: {read[c]}")
            .Concat(readWithin.OrderBy(w => w.Key, StringComparer.Ordinal).SelectMany(w => w.Value.Where(r => candidates.Contains(r.Key) || r.Key == "*")
                .OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} within {w.Key}: {r.Value}")))
            .ToList();
        // "reference" itself is kept out of the opaque names (pv-goal-1 compares it); its ids are judged by the reads above.
        var referenceOpaque = !read.ContainsKey("reference");
        opaque.Remove("reference");
        var within = readWithin.ToDictionary(w => w.Key, w => (IReadOnlySet<string>)w.Value.Keys.ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);
        return new TypeRules(opaque, within, bound, referenceOpaque, reasons);
    }

    /// <summary>What one definition contributes: its text-valued names, its checked bindings, and what it reads (and why).</summary>
    private sealed record DefinitionFacts(List<string> Candidates, List<string> Bound, List<(string Scope, string Name, string Why)> Reads);

    private static DefinitionFacts FactsOf(StructureDefinition definition, FhirPathCompiler compiler)
    {
        var candidates = new List<string>();
        var bound = new List<string>();
        var reads = new List<(string, string, string)>();
        var scope = definition.Kind is StructureDefinition.StructureDefinitionKind.ComplexType or StructureDefinition.StructureDefinitionKind.PrimitiveType
            ? definition.Type ?? ""
            : "";

        void Read(string name, string why) => reads.Add((scope, name, why));

        foreach (var element in definition.Snapshot?.Element ?? [])
        {
            // A primitive datatype's own value (string.value, integer.value) is not an element anything walks to.
            if (element.Path is null || (definition.Kind == StructureDefinition.StructureDefinitionKind.PrimitiveType && element.Path.Contains('.')))
            {
                continue;
            }

            var name = NameOf(element.Path);
            if (element.Type.Any(t => t.Code is { } code && TextTypes.Contains(code)) && element.Path.Contains('.'))
            {
                candidates.Add(name);
            }

            // Firely never asks about an example binding (RewrittenSchemas: only required, and extensible or preferred
            // when its checks include those); any other binding reads the value, and everything under it.
            if (element.Binding is { Strength: not BindingStrength.Example })
            {
                Read(name, $"{definition.Url}#{element.ElementId}: binding");
                bound.Add(name);
            }

            if (element.Fixed is not null || element.Pattern is not null || element.MaxLength is not null || element.MinValue is not null || element.MaxValue is not null)
            {
                Read(name, $"{definition.Url}#{element.ElementId}: fixed, pattern, maxLength or min/max value");
            }

            foreach (var member in MembersOf(element.Fixed).Concat(MembersOf(element.Pattern)))
            {
                Read(member, $"{definition.Url}#{element.ElementId}: a fixed or pattern value has '{member}'");
            }

            foreach (var discriminator in element.Slicing?.Discriminator ?? [])
            {
                foreach (Match identifier in Identifier().Matches(discriminator.Path ?? ""))
                {
                    Read(identifier.Value, $"{definition.Url}#{element.ElementId}: slicing discriminator '{discriminator.Path}'");
                }
            }

            foreach (var constraint in element.Constraint)
            {
                if (constraint.Key is { } key && SetAside.Contains(key))
                {
                    continue;
                }

                Read(name, $"{definition.Url}#{element.ElementId}: constraint {constraint.Key} on the element itself");
                if (string.IsNullOrWhiteSpace(constraint.Expression))
                {
                    continue;
                }

                Expression parsed;
                try
                {
                    parsed = compiler.Parse(constraint.Expression);
                }
                catch (FormatException)
                {
                    Read("*", $"{definition.Url}#{element.ElementId}: constraint {constraint.Key} does not parse");
                    continue;
                }

                foreach (var (child, why) in ValueReads(parsed, parent: null))
                {
                    if (child == "reference" && why is null)
                    {
                        continue;
                    }

                    Read(child, $"{definition.Url}#{element.ElementId}: constraint {constraint.Key} {why ?? "compares"} '{child}'");
                }
            }
        }

        return new DefinitionFacts(candidates, bound, reads);
    }

    /// <summary>
    /// The children a FHIRPath expression reads the value of: (name, why) for a read that depends on the value, (name,
    /// null) for a comparison of a reference with another reference or a type-prefix test of it.
    /// </summary>
    private static IEnumerable<(string Child, string? Why)> ValueReads(Expression expression, Expression? parent)
    {
        switch (expression)
        {
            case ChildExpression child:
                var use = UseOf(child, parent);
                if (use is not null)
                {
                    yield return (child.ChildName, use == "" ? null : use);
                }

                break;
            case FunctionCallExpression call when ReflectiveFunctions.Contains(call.FunctionName)
                && !(parent is FunctionCallExpression consumer && ReferenceEquals(consumer.Focus, call) && PresenceFunctions.Contains(consumer.FunctionName) && !consumer.Arguments.Any()):
                yield return ("*", $"walks the tree with {call.FunctionName}() for more than a count");
                break;
        }

        foreach (var inner in ChildrenOf(expression))
        {
            foreach (var found in ValueReads(inner, expression))
            {
                yield return found;
            }
        }
    }

    /// <summary>null: the child is only tested for presence or stepped into; "": a reference compared or prefix-tested; else why it is a read.</summary>
    private static string? UseOf(ChildExpression child, Expression? parent)
    {
        switch (parent)
        {
            case ChildExpression next when ReferenceEquals(next.Focus, child):
                return null;
            case BinaryExpression binary when child.ChildName == "reference" && binary.Op is "=" or "!=" &&
                binary.Arguments.All(operand => operand is ChildExpression { ChildName: "reference" }):
                return "";
            case BinaryExpression:
            case UnaryExpression:
            case IndexerExpression:
                return "reads";
            case FunctionCallExpression call when ReferenceEquals(call.Focus, child):
                if (PresenceFunctions.Contains(call.FunctionName) && !call.Arguments.Any())
                {
                    return null;
                }

                if (child.ChildName == "reference" && call.FunctionName is "contains" or "startsWith" &&
                    call.Arguments.SingleOrDefault() is ConstantExpression { Value: string prefix } && TypePrefix().IsMatch(prefix))
                {
                    return "";
                }

                return $"applies {call.FunctionName}() to";
            default:
                return "reads";
        }
    }

    // Firely's tree: an operator is a call whose arguments are its operands (its focus is the implicit $this), an indexer a
    // call with the index as its argument, a child step a call on its focus.
    private static IEnumerable<Expression> ChildrenOf(Expression expression) => expression switch
    {
        FunctionCallExpression call => call.Focus is null ? call.Arguments : [call.Focus, .. call.Arguments],
        BracketExpression bracket => [bracket.Operand],
        NewNodeListInitExpression list => list.Contents,
        _ => [],
    };

    private static string NameOf(string path)
    {
        var name = path[(path.LastIndexOf('.') + 1)..];
        return name.EndsWith("[x]", StringComparison.Ordinal) ? name[..^3] : name;
    }

    private static IEnumerable<string> MembersOf(DataType? value)
    {
        if (value is null)
        {
            yield break;
        }

        foreach (var (name, child) in value.EnumerateElements())
        {
            yield return name;
            var nested = child switch
            {
                DataType one => [one],
                IEnumerable<Base> many => many.OfType<DataType>(),
                _ => [],
            };
            foreach (var inner in nested.SelectMany(MembersOf))
            {
                yield return inner;
            }
        }
    }

    [GeneratedRegex("[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex Identifier();

    // '#' or a resource type followed by '/': both are kept in a shape, so the test gives the same answer for any id.
    [GeneratedRegex("^(#|[A-Z][A-Za-z]+/)$")]
    private static partial Regex TypePrefix();
}
