using System.Collections.Concurrent;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;

namespace PatientVoice.Fhir.Questionnaires;

/// <summary>
/// The one FHIRPath compiler for questionnaire expressions (extraction's definitionExtractValue, population's
/// initialExpression, itemPopulationContext and variables): the Firely engine over POCOs, each expression compiled once
/// per process and shared. Thread-safe.
/// </summary>
internal sealed class FhirPathExpressions
{
    private readonly FhirPathCompiler _compiler = new(new SymbolTable().AddStandardFP().AddFhirExtensions());
    private readonly ConcurrentDictionary<string, CompiledExpression> _compiled = new(StringComparer.Ordinal);

    /// <summary>The process-wide instance: compiled expressions are kept for every caller.</summary>
    public static FhirPathExpressions Shared { get; } = new();

    /// <summary>
    /// Evaluates <paramref name="expression"/> on <paramref name="context"/> with <c>%resource</c> =
    /// <paramref name="resource"/> and the named variables (<c>%patient</c>, <c>%questionnaire</c>, ...).
    /// Throws what the engine throws for an expression that does not compile or run; callers report it.
    /// </summary>
    public IReadOnlyList<Base> Evaluate(string expression, Base context, Resource resource, IEnumerable<KeyValuePair<string, IReadOnlyList<Base>>> variables)
    {
        var compiled = _compiled.GetOrAdd(expression, e => _compiler.Compile(e));
        var resourceNode = resource.ToPocoNode();
        var contextNode = ReferenceEquals(context, resource) ? resourceNode : context.ToPocoNode();
        var evaluation = new FhirEvaluationContext { Resource = resourceNode, RootResource = resourceNode };
        evaluation.Environment["resource"] = [resourceNode];
        evaluation.Environment["context"] = [contextNode];
        foreach (var (name, values) in variables)
        {
            evaluation.Environment[name] = values.Select(v => ReferenceEquals(v, resource) ? resourceNode : v.ToPocoNode()).ToList();
        }

        return compiled(contextNode, evaluation).Select(ToBase).OfType<Base>().ToList();
    }

    // Elements come back as the POCOs they are; values the expression computed ('abc', 123) as FHIR primitives.
    private static Base? ToBase(PocoNode node) => node.Poco switch
    {
        Base poco when !poco.TypeName.StartsWith("System.", StringComparison.Ordinal) => poco,
        _ => ((Hl7.Fhir.ElementModel.ITypedElement)node).Value switch
        {
            null => null,
            bool b => new FhirBoolean(b),
            int i => new Integer(i),
            long l => new Integer64(l),
            decimal d => new FhirDecimal(d),
            string s => new FhirString(s),
            Hl7.Fhir.ElementModel.Types.Date date => new Date(date.ToString()),
            Hl7.Fhir.ElementModel.Types.DateTime dateTime => new FhirDateTime(dateTime.ToString()),
            Hl7.Fhir.ElementModel.Types.Time time => new Time(time.ToString()),
            var other => new FhirString(Convert.ToString(other, System.Globalization.CultureInfo.InvariantCulture)),
        },
    };
}
