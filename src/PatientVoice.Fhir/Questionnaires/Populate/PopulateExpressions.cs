using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Fhir.Questionnaires.Populate;

/// <summary>
/// The expressions of one population, in FHIRPath: the environment the launch contexts make (the ones the Questionnaire
/// declares but the caller did not give are empty, and remembered so an item they leave unfilled says why), variables,
/// initialExpression and itemPopulationContext. <c>%resource</c> is <c>response</c>, the response being built. An
/// expression that cannot run, and a result that cannot answer its item, become issues. Belongs to one
/// <see cref="PopulationRun"/>; not shared.
/// </summary>
internal sealed class PopulateExpressions(
    FhirPathExpressions expressions,
    Questionnaire questionnaire,
    IReadOnlyDictionary<string, Resource> launchContext,
    QuestionnaireResponse response,
    List<FhirIssue> issues)
{
    private const string FhirPath = "text/fhirpath";

    private readonly HashSet<string> _missingContexts = new(StringComparer.Ordinal);

    /// <summary>
    /// The environment expressions start from: <c>%questionnaire</c> and each launch context given, and each one the
    /// Questionnaire declares that was not given (or not of a type it allows) as empty.
    /// </summary>
    public Dictionary<string, IReadOnlyList<Base>> LaunchEnvironment()
    {
        var environment = new Dictionary<string, IReadOnlyList<Base>>(StringComparer.Ordinal) { ["questionnaire"] = [questionnaire] };
        foreach (var (name, resource) in launchContext)
        {
            environment[name] = [resource];
        }

        foreach (var declaration in questionnaire.GetExtensions(PopulateExtensions.LaunchContext))
        {
            var name = declaration.GetExtension("name")?.Value switch
            {
                Coding c => c.Code,
                Id id => id.Value,
                FhirString s => s.Value,
                Code code => code.Value,
                _ => null,
            };
            if (string.IsNullOrEmpty(name))
            {
                Warn(OperationOutcome.IssueType.Invalid, "Questionnaire.extension", "A launchContext has no name; it was ignored.");
                continue;
            }

            var types = declaration.GetExtensions("type").Select(t => (t.Value as Code)?.Value).OfType<string>().ToList();
            if (!launchContext.TryGetValue(name, out var given))
            {
                environment[name] = [];
                _missingContexts.Add(name);
            }
            else if (types.Count > 0 && !types.Contains(given.TypeName))
            {
                environment[name] = [];
                _missingContexts.Add(name);
                Warn(OperationOutcome.IssueType.Invalid, null,
                    $"The launch context '{name}' is a {given.TypeName}; the Questionnaire expects {string.Join(" or ", types)}. It was not used.");
            }
        }

        return environment;
    }

    /// <summary>The item's initialExpression (or the legacy core one); null when it has none.</summary>
    public static Expression? InitialExpression(Questionnaire.ItemComponent definition) =>
        (definition.GetExtension(PopulateExtensions.InitialExpression) ?? definition.GetExtension(PopulateExtensions.LegacyInitialExpression))?.Value as Expression;

    /// <summary>The answers the item's initialExpression gives; results that cannot answer the item are reported and left out.</summary>
    public List<DataType> FromExpression(
        Questionnaire.ItemComponent definition,
        QuestionnaireResponse.ItemComponent item,
        IReadOnlyDictionary<string, IReadOnlyList<Base>> environment,
        string path)
    {
        if (InitialExpression(definition) is not { } expression)
        {
            return [];
        }

        var results = Evaluate(expression, item, environment, path, $"Item '{definition.LinkId}'");
        if (results is null)
        {
            return [];
        }

        var answers = new List<DataType>();
        foreach (var result in results)
        {
            if (AnswerConversion.ToAnswer(result, definition) is { } answer)
            {
                answers.Add(answer);
            }
            else
            {
                Warn(OperationOutcome.IssueType.Value, path,
                    $"Item '{definition.LinkId}': its initialExpression gave a {result.TypeName}, which is not a valid answer to this {definition.Type} item.");
            }
        }

        return answers;
    }

    /// <summary>Says why an item with an initialExpression was not filled: a missing launch context, or no value found.</summary>
    public void NotFilled(Questionnaire.ItemComponent definition, Expression expression, string path)
    {
        var missing = _missingContexts.Where(name => expression.Expression_?.Contains('%' + name, StringComparison.Ordinal) == true).ToList();
        if (missing.Count > 0)
        {
            Warn(OperationOutcome.IssueType.NotFound, path,
                $"Item '{definition.LinkId}' was not filled: the launch context {string.Join(" and ", missing.Select(m => $"'{m}'"))} was not given.");
        }
        else
        {
            Info(path, $"Item '{definition.LinkId}' was not filled: its initialExpression found no value.");
        }
    }

    /// <summary>The values an itemPopulationContext gives: one repetition each, named in child expressions by the expression's name.</summary>
    public IReadOnlyList<Base> PopulationContext(Questionnaire.ItemComponent definition, IReadOnlyDictionary<string, IReadOnlyList<Base>> environment, string path)
    {
        if (definition.GetExtension(PopulateExtensions.ItemPopulationContext)?.Value is not Expression expression)
        {
            return [];
        }

        if (string.IsNullOrEmpty(expression.Name))
        {
            Warn(OperationOutcome.IssueType.Invalid, path, $"Group '{definition.LinkId}': its itemPopulationContext has no name; it was ignored.");
            return [];
        }

        var results = Evaluate(expression, response, environment, path, $"Group '{definition.LinkId}'");
        if (results is { Count: 0 } && _missingContexts.Any(m => expression.Expression_?.Contains('%' + m, StringComparison.Ordinal) == true))
        {
            Warn(OperationOutcome.IssueType.NotFound, path,
                $"Group '{definition.LinkId}' was not filled from the record: the launch context it reads was not given.");
        }

        return results ?? [];
    }

    /// <summary>The item's (or Questionnaire's) variables added to the environment, each evaluated in order on <paramref name="context"/>.</summary>
    public Dictionary<string, IReadOnlyList<Base>> Variables(IExtendable definition, Base context, IReadOnlyDictionary<string, IReadOnlyList<Base>> environment, string path)
    {
        var local = new Dictionary<string, IReadOnlyList<Base>>(environment, StringComparer.Ordinal);
        foreach (var variable in definition.GetExtensions(PopulateExtensions.Variable))
        {
            if (variable.Value is not Expression { Name: { Length: > 0 } name } expression)
            {
                Warn(OperationOutcome.IssueType.Invalid, path, "A variable has no name; it was ignored.");
                continue;
            }

            local[name] = Evaluate(expression, context, local, path, $"The variable '{name}'") ?? [];
        }

        return local;
    }

    /// <summary>Null when the expression could not be run (reported); otherwise its results.</summary>
    private List<Base>? Evaluate(Expression expression, Base context, IReadOnlyDictionary<string, IReadOnlyList<Base>> environment, string path, string label)
    {
        if (expression.Language is { } language && language != FhirPath)
        {
            Warn(OperationOutcome.IssueType.NotSupported, path,
                $"{label}: {language} expressions are not run here (only FHIRPath); give the data as a launch context instead.");
            return null;
        }

        if (string.IsNullOrWhiteSpace(expression.Expression_))
        {
            Warn(OperationOutcome.IssueType.Invalid, path, $"{label}: the expression is empty.");
            return null;
        }

        try
        {
            return expressions.Evaluate(expression.Expression_, context, response, environment).ToList();
        }
        catch (Exception e) when (e is FormatException or InvalidOperationException or ArgumentException or InvalidCastException or NotSupportedException or KeyNotFoundException)
        {
            // A form's expression that does not compile or run is the form's problem: report it, fill the rest.
            Warn(OperationOutcome.IssueType.Exception, path, $"{label}: the expression '{expression.Expression_}' could not be evaluated: {e.Message}");
            return null;
        }
    }

    private void Warn(OperationOutcome.IssueType code, string? expression, string diagnostics) =>
        issues.Add(new FhirIssue(code, diagnostics, expression, OperationOutcome.IssueSeverity.Warning));

    private void Info(string? expression, string diagnostics) =>
        issues.Add(new FhirIssue(OperationOutcome.IssueType.Informational, diagnostics, expression, OperationOutcome.IssueSeverity.Information));
}
