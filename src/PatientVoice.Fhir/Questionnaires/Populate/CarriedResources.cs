using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Questionnaires.Extract;

namespace PatientVoice.Fhir.Questionnaires.Populate;

/// <summary>
/// What a carried repetition made before (a Goal): found by its id item or its extracted identifier, named again in the
/// id item so extraction updates it, and shown with what it says now; and whether a repetition from the population
/// context only repeats what a carried one already says. <c>previousResources</c> are what the previous submission
/// extracted (<see cref="PopulateContext.PreviousResources"/>). Belongs to one <see cref="PopulationRun"/>; not shared.
/// </summary>
internal sealed class CarriedResources(FhirPathExpressions expressions, IReadOnlyList<Resource> previousResources, List<FhirIssue> issues)
{
    /// <summary>What the previous submission made from this repetition (a Goal), by its id item or its extracted identifier.</summary>
    public Resource? MadeFrom(Questionnaire.ItemComponent definition, QuestionnaireResponse.ItemComponent carried, string? identifierValue)
    {
        if (AnswerConversion.ExtractedType(definition) is not { } type)
        {
            return null;
        }

        var candidates = previousResources.Where(r => r.TypeName == type).ToList();
        if (AnswerConversion.IdItem(definition, type) is { } idItem
            && carried.Item.FirstOrDefault(i => i.LinkId == idItem.LinkId)?.Answer.FirstOrDefault()?.Value is PrimitiveType { JsonValue: string id })
        {
            return candidates.FirstOrDefault(r => r.Id == id);
        }

        return identifierValue is null
            ? null
            : candidates.FirstOrDefault(r => ExtractedIdentifiers.IdentifiersOf(r).Any(i => i.System == ExtractedIdentifiers.System && i.Value == identifierValue));
    }

    /// <summary>The carried repetition answers its <c>{Type}.id</c> item with the id of what it made, so extraction updates it.</summary>
    public static void KeepIdentity(Questionnaire.ItemComponent definition, QuestionnaireResponse.ItemComponent repetition, Resource? made)
    {
        if (made?.Id is not { Length: > 0 } id || AnswerConversion.IdItem(definition, made.TypeName) is not { } idItem)
        {
            return;
        }

        var item = repetition.Item.FirstOrDefault(i => i.LinkId == idItem.LinkId);
        if (item is null)
        {
            item = PopulationRun.NewItem(idItem);
            repetition.Item.Add(item);
        }

        item.Answer = [new QuestionnaireResponse.AnswerComponent { Value = new FhirString(id) }];
    }

    /// <summary>
    /// A carried repetition says what its resource says now, not what the earlier response said: a goal reworded since
    /// (on the My goals page, or by an integrator) keeps its new words, so submitting the form does not put the old ones
    /// back. Only text items whose <c>definition</c> names one element no sibling shares (<c>Goal.description.text</c>,
    /// not the two items that both write <c>Goal.note.text</c>) and that holds exactly one string now.
    /// </summary>
    public void KeepCurrentWords(Questionnaire.ItemComponent definition, QuestionnaireResponse.ItemComponent repetition, Resource? made, string path)
    {
        if (made is null)
        {
            return;
        }

        var prefix = "#" + made.TypeName + ".";
        var textItems = definition.Item
            .Where(c => c.Type is Questionnaire.QuestionnaireItemType.Text or Questionnaire.QuestionnaireItemType.String && c.Definition is { } d && d.Contains(prefix, StringComparison.Ordinal))
            .GroupBy(c => c.Definition![(c.Definition!.IndexOf(prefix, StringComparison.Ordinal) + prefix.Length)..], StringComparer.Ordinal)
            .Where(g => g.Count() == 1 && !g.Key.Contains("[x]", StringComparison.Ordinal) && g.Key != "id");
        foreach (var element in textItems)
        {
            var child = element.Single();
            if (expressions.Evaluate(element.Key, made, made, []) is not [PrimitiveType { JsonValue: string now }] || string.IsNullOrWhiteSpace(now))
            {
                continue;
            }

            var item = repetition.Item.FirstOrDefault(i => i.LinkId == child.LinkId);
            if (item?.Answer.FirstOrDefault()?.Value is FhirString { Value: { } carried } && carried == now)
            {
                continue;
            }

            if (item is null)
            {
                item = PopulationRun.NewItem(child);
                repetition.Item.Insert(Math.Min(definition.Item.IndexOf(child), repetition.Item.Count), item);
            }

            item.Answer = [new QuestionnaireResponse.AnswerComponent { Value = new FhirString(now) }];
            Info(path, $"'{child.LinkId}' shows what {made.TypeName}/{made.Id} says now, not the earlier response's words.");
        }
    }

    /// <summary>True when every answer of <paramref name="candidate"/> is already among the answers of <paramref name="existing"/> for the same linkIds.</summary>
    public static bool Covers(QuestionnaireResponse.ItemComponent existing, QuestionnaireResponse.ItemComponent candidate)
    {
        var existingAnswers = Flatten(existing).SelectMany(i => i.Answer.Select(a => (i.LinkId, a.Value))).Where(x => x.Value is not null).ToList();
        return Flatten(candidate).SelectMany(i => i.Answer.Select(a => (i.LinkId, a.Value))).Where(x => x.Value is not null)
            .All(x => existingAnswers.Any(e => e.LinkId == x.LinkId && SameAnswer(e.Value, x.Value)));
    }

    private static bool SameAnswer(DataType? left, DataType? right) =>
        left is FhirString a && right is FhirString b
            ? string.Equals(a.Value?.Trim(), b.Value?.Trim(), StringComparison.OrdinalIgnoreCase)
            : AnswerValues.AreEqual(left, right);

    private static IEnumerable<QuestionnaireResponse.ItemComponent> Flatten(QuestionnaireResponse.ItemComponent item) =>
        item.Item.Concat(item.Answer.SelectMany(a => a.Item)).SelectMany(Flatten).Prepend(item);

    private void Info(string? expression, string diagnostics) =>
        issues.Add(new FhirIssue(OperationOutcome.IssueType.Informational, diagnostics, expression, OperationOutcome.IssueSeverity.Information));
}
