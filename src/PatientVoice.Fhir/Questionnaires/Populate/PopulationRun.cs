using PatientVoice.Fhir.Conformance;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Questionnaires.Extract;

namespace PatientVoice.Fhir.Questionnaires.Populate;

/// <summary>
/// One population: walks the Questionnaire and builds the response item by item, so later expressions see what earlier
/// items were given (<c>%resource</c> is the response being built). An item's answer comes from, in order: its
/// initialExpression (the EHR's current data), the patient's previous answer (carried forward while still valid),
/// its <c>initial</c> values or initialSelected options. The walk is here; <see cref="PopulateExpressions"/> runs the
/// expressions and <see cref="CarriedResources"/> links carried repetitions to what they made. Not shared.
/// </summary>
internal sealed class PopulationRun
{
    private readonly Questionnaire _questionnaire;
    private readonly PopulateContext _context;
    private readonly QuestionnaireResponse _response;
    private readonly PopulateExpressions _expressions;
    private readonly CarriedResources _carried;
    private QuestionnaireResponse? _previous;

    public PopulationRun(FhirPathExpressions expressions, Questionnaire questionnaire, PopulateContext context)
    {
        _questionnaire = questionnaire;
        _context = context;
        _response = new QuestionnaireResponse
        {
            Id = context.ResponseId,
            Questionnaire = questionnaire.Url is null ? null : questionnaire.Version is null ? questionnaire.Url : $"{questionnaire.Url}|{questionnaire.Version}",
            Status = QuestionnaireResponse.QuestionnaireResponseStatus.InProgress,
            Subject = (ResourceReference)context.Subject.DeepCopy(),
            Author = (ResourceReference)(context.Author ?? context.Subject).DeepCopy(),
        };
        _expressions = new PopulateExpressions(expressions, questionnaire, context.LaunchContext, _response, Issues);
        _carried = new CarriedResources(expressions, context.PreviousResources, Issues);
    }

    public List<FhirIssue> Issues { get; } = [];

    /// <summary>Builds the response; call once.</summary>
    public QuestionnaireResponse Run()
    {
        _response.Authored = new FhirDateTime(_context.Clock.GetUtcNow()).Value;
        var environment = _expressions.LaunchEnvironment();
        if (_context.LaunchContext.TryGetValue(LaunchContextNames.Encounter, out var encounter) && encounter is Encounter { Id: { Length: > 0 } encounterId })
        {
            _response.Encounter = new ResourceReference($"Encounter/{encounterId}");
        }

        _previous = UsablePrevious();
        if (_previous?.Id is { Length: > 0 } previousId)
        {
            _response.Extension.Add(new Extension(PopulateExtensions.CarriedForwardFrom, new ResourceReference($"QuestionnaireResponse/{previousId}")));
        }

        environment = _expressions.Variables(_questionnaire, _response, environment, "Questionnaire");
        Items(_questionnaire.Item, _previous?.Item ?? [], _response.Item, environment, "Questionnaire", _previous?.Id);
        DisabledAnswers.Remove(_questionnaire, _response, Issues);
        return _response;
    }

    private QuestionnaireResponse? UsablePrevious()
    {
        if (_context.PreviousResponse is not { } previous)
        {
            return null;
        }

        var url = previous.Questionnaire is { } named ? QuestionnaireCanonical.Parse(named).Url : null;
        if (url != _questionnaire.Url)
        {
            Warn(OperationOutcome.IssueType.Invalid, null,
                $"The previous response answers '{previous.Questionnaire}', not '{_questionnaire.Url}': nothing was carried forward from it.");
            return null;
        }

        if (previous.Subject?.Reference != _context.Subject.Reference)
        {
            // Never carry one person's words into another's form.
            Warn(OperationOutcome.IssueType.Security, null, "The previous response is about another subject: nothing was carried forward from it.");
            return null;
        }

        return previous;
    }

    private void Items(
        List<Questionnaire.ItemComponent> definitions,
        List<QuestionnaireResponse.ItemComponent> previousItems,
        List<QuestionnaireResponse.ItemComponent> target,
        IReadOnlyDictionary<string, IReadOnlyList<Base>> environment,
        string path,
        string? previousKey)
    {
        foreach (var definition in definitions)
        {
            if (definition.LinkId is null || definition.Type == Questionnaire.QuestionnaireItemType.Display)
            {
                continue;
            }

            var previous = previousItems.Where(i => i.LinkId == definition.LinkId).ToList();
            var itemPath = $"{path}.item.where(linkId='{definition.LinkId}')";
            var key = previousKey is null ? null : $"{previousKey}/{definition.LinkId}";
            if (definition.Type == Questionnaire.QuestionnaireItemType.Group)
            {
                Group(definition, previous, target, environment, itemPath, key);
            }
            else
            {
                var item = NewItem(definition);
                target.Add(item);
                Question(definition, item, previous.FirstOrDefault(), environment, itemPath, key is null ? null : $"{key}/0");
            }
        }
    }

    private void Group(
        Questionnaire.ItemComponent definition,
        List<QuestionnaireResponse.ItemComponent> previous,
        List<QuestionnaireResponse.ItemComponent> target,
        IReadOnlyDictionary<string, IReadOnlyList<Base>> environment,
        string path,
        string? key)
    {
        var repeats = definition.Repeats == true;
        var added = 0;
        if (definition.GetExtension(PopulateExtensions.ItemPopulationContext)?.Value is Expression { Name: { Length: > 0 } contextName })
        {
            // Repetitions not made from the population context see its name as empty, not as an unknown variable.
            environment = new Dictionary<string, IReadOnlyList<Base>>(environment, StringComparer.Ordinal) { [contextName] = [] };
        }

        for (var i = 0; i < previous.Count && (repeats || added == 0); i++)
        {
            var carried = previous[i];
            if (!ExtractionRun.HasContent(carried))
            {
                continue;
            }

            var repetitionKey = key is null ? null : $"{key}/{ExtractionRun.RepetitionKey(carried, i)}";
            var made = _carried.MadeFrom(definition, carried, repetitionKey);
            if (made is Goal ended && Goals.GoalLifecycle.IsEnded(ended))
            {
                Info(path, $"A goal was not carried forward: it is {Hl7.Fhir.Utility.EnumUtility.GetLiteral(ended.LifecycleStatus)} (Goal/{ended.Id}).");
                continue;
            }

            var repetition = NewItem(definition);
            if (repeats)
            {
                // A stable id per repetition: the extracted identifier uses it, so a later removal ends the right resource.
                repetition.ElementId = carried.ElementId is { Length: > 0 } id && !id.Contains('/', StringComparison.Ordinal) ? id : NewRepetitionId();
            }

            target.Add(repetition);
            Fill(definition, repetition, carried, environment, path, repetitionKey);
            CarriedResources.KeepIdentity(definition, repetition, made);
            _carried.KeepCurrentWords(definition, repetition, made, path);
            added++;
        }

        IReadOnlyList<Base> fromContext = repeats || added == 0 ? _expressions.PopulationContext(definition, environment, path) : [];
        foreach (var value in fromContext)
        {
            var repetition = NewItem(definition);
            target.Add(repetition);
            Fill(definition, repetition, null, new Dictionary<string, IReadOnlyList<Base>>(environment, StringComparer.Ordinal) { [ContextName(definition)] = [value] }, path, null);
            if (!ExtractionRun.HasContent(repetition) || target.Any(other => !ReferenceEquals(other, repetition) && other.LinkId == definition.LinkId && CarriedResources.Covers(other, repetition)))
            {
                target.Remove(repetition); // what the patient already said about it is carried; the EHR's copy adds nothing
                continue;
            }

            added++;
            if (!repeats)
            {
                break;
            }
        }

        if (added == 0)
        {
            var empty = NewItem(definition);
            target.Add(empty);
            Fill(definition, empty, null, environment, path, null);
        }
    }

    private void Fill(
        Questionnaire.ItemComponent definition,
        QuestionnaireResponse.ItemComponent repetition,
        QuestionnaireResponse.ItemComponent? previous,
        IReadOnlyDictionary<string, IReadOnlyList<Base>> environment,
        string path,
        string? key)
    {
        var local = _expressions.Variables(definition, repetition, environment, path);
        Items(definition.Item, previous?.Item ?? [], repetition.Item, local, path, key);
    }

    private void Question(
        Questionnaire.ItemComponent definition,
        QuestionnaireResponse.ItemComponent item,
        QuestionnaireResponse.ItemComponent? previous,
        IReadOnlyDictionary<string, IReadOnlyList<Base>> environment,
        string path,
        string? key)
    {
        var local = _expressions.Variables(definition, item, environment, path);
        var answers = _expressions.FromExpression(definition, item, local, path);
        if (answers.Count == 0)
        {
            answers = Carried(definition, previous, path);
        }

        if (answers.Count == 0 && PopulateExpressions.InitialExpression(definition) is { } unfilled)
        {
            _expressions.NotFilled(definition, unfilled, path);
        }
        else if (answers.Count == 0)
        {
            answers = Initial(definition, path);
        }

        if (answers.Count > 1 && definition.Repeats != true)
        {
            Warn(OperationOutcome.IssueType.MultipleMatches, path,
                $"Item '{definition.LinkId}' takes one answer but {answers.Count} were found; the first was used.");
            answers = [answers[0]];
        }

        for (var a = 0; a < answers.Count; a++)
        {
            var answer = new QuestionnaireResponse.AnswerComponent { Value = answers[a] };
            item.Answer.Add(answer);
            if (definition.Item.Count > 0)
            {
                var previousChildren = previous is not null && a < previous.Answer.Count ? previous.Answer[a].Item : [];
                Items(definition.Item, previousChildren, answer.Item, local, $"{path}.answer[{a}]", key is null ? null : $"{key[..key.LastIndexOf('/')]}/{a}");
            }
        }
    }

    private List<DataType> Carried(Questionnaire.ItemComponent definition, QuestionnaireResponse.ItemComponent? previous, string path)
    {
        var carried = new List<DataType>();
        foreach (var value in previous?.Answer.Select(a => a.Value).OfType<DataType>() ?? [])
        {
            if (AnswerConversion.WhyInvalid(definition, value) is { } reason)
            {
                Warn(OperationOutcome.IssueType.Value, path,
                    $"An earlier answer to '{definition.LinkId}' was not carried forward: {reason} in this version of the Questionnaire.");
                continue;
            }

            carried.Add((DataType)value.DeepCopy());
        }

        return carried;
    }

    // initial[x], or else the answerOptions marked initialSelected; values the item would refuse are reported, not used.
    private List<DataType> Initial(Questionnaire.ItemComponent definition, string path)
    {
        var values = definition.Initial.Count > 0
            ? definition.Initial.Select(i => i.Value).OfType<DataType>()
            : definition.AnswerOption.Where(o => o.InitialSelected == true).Select(o => o.Value).OfType<DataType>();
        var initial = new List<DataType>();
        foreach (var value in values)
        {
            if (AnswerConversion.WhyInvalid(definition, value) is { } reason)
            {
                Warn(OperationOutcome.IssueType.Value, path, $"An initial value of '{definition.LinkId}' was not used: {reason}.");
                continue;
            }

            initial.Add((DataType)value.DeepCopy());
        }

        return initial;
    }

    private static string ContextName(Questionnaire.ItemComponent definition) =>
        (definition.GetExtension(PopulateExtensions.ItemPopulationContext)?.Value as Expression)?.Name ?? string.Empty;

    /// <summary>An empty response item for <paramref name="definition"/>.</summary>
    internal static QuestionnaireResponse.ItemComponent NewItem(Questionnaire.ItemComponent definition) => new()
    {
        LinkId = definition.LinkId,
        Text = definition.Text,
        Definition = definition.Definition,
    };

    private static string NewRepetitionId() => "r" + Guid.NewGuid().ToString("N")[..12];

    private void Warn(OperationOutcome.IssueType code, string? expression, string diagnostics) =>
        Issues.Add(new FhirIssue(code, diagnostics, expression, OperationOutcome.IssueSeverity.Warning));

    private void Info(string? expression, string diagnostics) =>
        Issues.Add(new FhirIssue(OperationOutcome.IssueType.Informational, diagnostics, expression, OperationOutcome.IssueSeverity.Information));
}
