using System.Collections.Concurrent;
using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;

namespace PatientVoice.Fhir.Questionnaires.Extract;

/// <summary>
/// Evaluates the FHIRPath of definitionExtractValue (and extraction fullUrls) with the Firely engine on the POCOs:
/// <c>%resource</c> is the response, <c>%context</c> the response item, and each allocated id (extractAllocateId) a
/// variable. Expressions compile once per process. Thread-safe.
/// </summary>
internal sealed class ExtractionExpressions
{
    private readonly FhirPathCompiler _compiler = new(new SymbolTable().AddStandardFP().AddFhirExtensions());
    private readonly ConcurrentDictionary<string, CompiledExpression> _compiled = new(StringComparer.Ordinal);

    public IReadOnlyList<DataType> Evaluate(string expression, Base context, QuestionnaireResponse response, IReadOnlyDictionary<string, string> variables)
    {
        var compiled = _compiled.GetOrAdd(expression, e => _compiler.Compile(e));
        var resourceNode = response.ToPocoNode();
        var contextNode = ReferenceEquals(context, response) ? resourceNode : context.ToPocoNode();
        var evaluation = new FhirEvaluationContext { Resource = resourceNode, RootResource = resourceNode };
        evaluation.Environment["resource"] = [resourceNode];
        evaluation.Environment["context"] = [contextNode];
        foreach (var (name, value) in variables)
        {
            evaluation.Environment[name] = [new FhirString(value).ToPocoNode()];
        }

        return compiled(contextNode, evaluation).Select(ToDataType).OfType<DataType>().ToList();
    }

    private static DataType? ToDataType(PocoNode node) => node.Poco as DataType;
}
