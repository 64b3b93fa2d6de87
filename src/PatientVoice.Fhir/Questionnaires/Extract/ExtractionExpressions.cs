using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Questionnaires.Extract;

/// <summary>
/// Evaluates the FHIRPath of definitionExtractValue (and extraction fullUrls) with the shared compiler
/// (<see cref="FhirPathExpressions"/>): <c>%resource</c> is the response, <c>%context</c> the response item, and each
/// allocated id (extractAllocateId) a variable. Thread-safe.
/// </summary>
internal sealed class ExtractionExpressions
{
    public IReadOnlyList<DataType> Evaluate(string expression, Base context, QuestionnaireResponse response, IReadOnlyDictionary<string, string> variables) =>
        FhirPathExpressions.Shared
            .Evaluate(expression, context, response, variables.Select(v => new KeyValuePair<string, IReadOnlyList<Base>>(v.Key, [new FhirString(v.Value)])))
            .OfType<DataType>()
            .ToList();
}
