using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Fhir.Questionnaires.Extract;

/// <summary>
/// The values definition-based extraction writes into the resources of one extraction: definitionExtractValue (a fixed
/// value or a FHIRPath result), answers by item.definition, the ids extractAllocateId allocates (variables of every later
/// expression) and definitionExtract fullUrls. Expressions that cannot run and values that do not fit become issues;
/// the rest is still written. Belongs to one <see cref="ExtractionRun"/>; not shared.
/// </summary>
internal sealed class DefinitionValueWriter(ExtractionExpressions expressions, QuestionnaireResponse response, List<FhirIssue> issues)
{
    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);

    public void WriteDefinitionValues(Questionnaire.ItemComponent definition, QuestionnaireResponse.ItemComponent item, ref ExtractionScope scope, string path) =>
        WriteDefinitionValues(definition, $"Item '{definition.LinkId}'", item, ref scope, path);

    /// <summary>
    /// Sets the definitionExtractValues of <paramref name="definition"/> on the resource being extracted here. Values for an
    /// Observation when none is being extracted here go into <paramref name="scope"/>, for the Observations extracted below.
    /// </summary>
    public void WriteDefinitionValues(IExtendable definition, string label, Base item, ref ExtractionScope scope, string path)
    {
        var observationValues = new List<(Extension, Base)>();
        foreach (var extension in definition.GetExtensions(SdcExtensions.DefinitionExtractValue))
        {
            var target = DefinitionPath.Parse((extension.GetExtension("definition")?.Value as FhirUri)?.Value
                ?? (extension.GetExtension("definition")?.Value as Canonical)?.Value);
            if (target is null)
            {
                Warn(OperationOutcome.IssueType.Required, path, $"{label}: a definitionExtractValue has no definition path.");
                continue;
            }

            if (scope.Builder is null || scope.Element is null || target.ResourceType != scope.Builder.Resource.TypeName)
            {
                if (target.ResourceType == "Observation")
                {
                    observationValues.Add((extension, item)); // applies to the Observations extracted below this item
                }
                else
                {
                    Warn(OperationOutcome.IssueType.Invalid, path,
                        $"{label}: a value for {target} has no {target.ResourceType} being extracted here.");
                }

                continue;
            }

            var relative = target.RelativeTo(scope.Prefix) ?? target.Steps;
            var element = target.RelativeTo(scope.Prefix) is null ? scope.Builder.Resource : scope.Element;
            foreach (var value in ValuesOf(extension, item))
            {
                if (!ElementWriter.Set(element, relative, value, out var problem))
                {
                    Warn(OperationOutcome.IssueType.Invalid, path, $"{label}: cannot set {target}: {problem}.");
                }
            }
        }

        if (observationValues.Count > 0)
        {
            scope = scope with { ObservationValues = [.. scope.ObservationValues, .. observationValues] };
        }
    }

    /// <summary>What a definitionExtractValue sets: its fixed-value (none when empty), else what its expression gives on <paramref name="itemContext"/>.</summary>
    public IEnumerable<DataType> ValuesOf(Extension extension, Base itemContext)
    {
        if (extension.GetExtension("fixed-value")?.Value is { } fixedValue)
        {
            // An empty complex value (SDC's own example has "valueCodeableConcept": {}) sets nothing.
            var empty = fixedValue is PrimitiveType primitive ? primitive.JsonValue is null : !fixedValue.EnumerateElements().Any();
            return empty ? [] : [fixedValue];
        }

        if (extension.GetExtension("expression")?.Value is Expression { Expression_: { } fhirPath })
        {
            return Evaluate(fhirPath, itemContext);
        }

        return [];
    }

    private IReadOnlyList<DataType> Evaluate(string fhirPath, Base itemContext)
    {
        try
        {
            return expressions.Evaluate(fhirPath, itemContext, response, _variables);
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException or InvalidCastException or NotSupportedException)
        {
            // A form's expression that does not compile or run is the form's problem: report it, extract the rest.
            Warn(OperationOutcome.IssueType.Exception, null, $"The expression '{fhirPath}' could not be evaluated: {e.Message}");
            return [];
        }
    }

    /// <summary>Sets the answers of an item with a definition on the element being extracted here.</summary>
    public void WriteAnswers(Questionnaire.ItemComponent definition, List<QuestionnaireResponse.AnswerComponent> answers, DefinitionPath target, ExtractionScope scope, string path)
    {
        if (scope.Builder is null || scope.Element is null)
        {
            Warn(OperationOutcome.IssueType.Informational, path,
                $"Item '{definition.LinkId}' has a definition ({target}) but no resource is being extracted around it; it was not extracted.",
                OperationOutcome.IssueSeverity.Information);
            return;
        }

        if (target.ResourceType != scope.Builder.Resource.TypeName)
        {
            Warn(OperationOutcome.IssueType.Invalid, path,
                $"Item '{definition.LinkId}' defines {target}, but a {scope.Builder.Resource.TypeName} is being extracted here.");
            return;
        }

        var relative = target.RelativeTo(scope.Prefix);
        var element = relative is null ? scope.Builder.Resource : scope.Element;
        foreach (var answer in answers)
        {
            if (!ElementWriter.Set(element, relative ?? target.Steps, answer.Value!, out var problem))
            {
                Warn(OperationOutcome.IssueType.Invalid, path, $"Item '{definition.LinkId}': cannot set {target}: {problem}.");
            }
        }
    }

    /// <summary>Allocates the ids <paramref name="element"/> names in extractAllocateId: a fullUrl each, derived from <paramref name="key"/>.</summary>
    public void Allocate(IExtendable element, string key)
    {
        foreach (var allocation in element.GetExtensions(SdcExtensions.ExtractAllocateId))
        {
            if (allocation.Value is FhirString { Value: { Length: > 0 } name })
            {
                _variables[name] = ExtractedIdentifiers.FullUrlFor($"{key}/$allocated/{name}");
            }
        }
    }

    /// <summary>The fullUrl a definitionExtract gives: an allocated id (<c>%name</c>) or what its expression gives; null when neither.</summary>
    public string? FullUrl(DataType value, Base itemContext)
    {
        var text = value switch
        {
            FhirString s => s.Value,
            Expression e => e.Expression_,
            _ => null,
        };
        if (text is null)
        {
            return null;
        }

        if (text.StartsWith('%') && _variables.TryGetValue(text[1..], out var allocated))
        {
            return allocated;
        }

        return Evaluate(text, itemContext).OfType<PrimitiveType>().FirstOrDefault()?.ToString();
    }

    private void Warn(OperationOutcome.IssueType code, string? expression, string diagnostics, OperationOutcome.IssueSeverity severity = OperationOutcome.IssueSeverity.Warning) =>
        issues.Add(new FhirIssue(code, diagnostics, expression, severity));
}
