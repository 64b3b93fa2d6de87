using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Fhir.Questionnaires.Populate;

/// <summary>
/// Takes out of a populated response the answers to items that the answers around them disable (enableWhen): a carried
/// answer that no longer applies would make the response invalid once completed.
/// </summary>
internal static class DisabledAnswers
{
    public static void Remove(Questionnaire questionnaire, QuestionnaireResponse response, List<FhirIssue> issues)
    {
        // A removal can disable another item that depends on it: repeat until nothing changes (bounded by the depth of dependencies).
        for (var pass = 0; pass < 8 && Walk(questionnaire.Item, response.Item, [response.Item], "QuestionnaireResponse", issues); pass++)
        {
        }
    }

    private static bool Walk(
        List<Questionnaire.ItemComponent> definitions,
        List<QuestionnaireResponse.ItemComponent> items,
        IReadOnlyList<IEnumerable<QuestionnaireResponse.ItemComponent>> scopes,
        string path,
        List<FhirIssue> issues)
    {
        var changed = false;
        foreach (var item in items)
        {
            var definition = definitions.FirstOrDefault(d => d.LinkId == item.LinkId);
            if (definition is null)
            {
                continue;
            }

            var itemPath = $"{path}.item.where(linkId='{item.LinkId}')";
            if (!EnableWhenEvaluator.IsEnabled(definition, scopes))
            {
                if (Extract.ExtractionRun.HasContent(item))
                {
                    item.Answer.Clear();
                    item.Item.Clear();
                    issues.Add(new FhirIssue(OperationOutcome.IssueType.Informational,
                        $"Item '{item.LinkId}' was left empty: it does not apply given the other answers ({EnableWhenEvaluator.Describe(definition)}).",
                        itemPath, OperationOutcome.IssueSeverity.Information));
                    changed = true;
                }

                continue;
            }

            changed |= Walk(definition.Item, item.Item, [item.Item, .. scopes], itemPath, issues);
            foreach (var answer in item.Answer.Where(a => a.Item.Count > 0))
            {
                changed |= Walk(definition.Item, answer.Item, [answer.Item, .. scopes], itemPath, issues);
            }
        }

        return changed;
    }
}
