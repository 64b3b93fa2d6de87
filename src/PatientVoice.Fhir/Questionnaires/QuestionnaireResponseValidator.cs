using PatientVoice.Fhir.Conformance;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Validation;

namespace PatientVoice.Fhir.Questionnaires;

/// <summary>
/// Checks a QuestionnaireResponse against its Questionnaire, beyond what profiles can say: linkIds exist and nest as in
/// the Questionnaire, answers have the item's type, repeats, answerOption, maxLength, minValue/maxValue, maxOccurs,
/// required items answered when the response is completed or amended (an amended response was completed, then
/// changed: what is required stays required), and nothing answered where enableWhen disables it.
/// Each issue names the linkId and points at the item (<c>QuestionnaireResponse.item[0].item[2].answer[0]</c>).
/// Stateless and thread-safe.
/// </summary>
public sealed class QuestionnaireResponseValidator
{
    private const string MinValueUrl = "http://hl7.org/fhir/StructureDefinition/minValue";
    private const string MaxValueUrl = "http://hl7.org/fhir/StructureDefinition/maxValue";
    private const string MaxOccursUrl = "http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs";

    public ValidationReport Validate(QuestionnaireResponse response, Questionnaire questionnaire)
    {
        var walk = new Walk(questionnaire, response.Status is QuestionnaireResponse.QuestionnaireResponseStatus.Completed or QuestionnaireResponse.QuestionnaireResponseStatus.Amended);
        walk.CheckQuestionnaireReference(response);
        walk.Items(questionnaire.Item, response.Item, "QuestionnaireResponse", [response.Item]);
        return new ValidationReport(walk.Issues);
    }

    private sealed class Walk(Questionnaire questionnaire, bool completed)
    {
        private readonly Dictionary<string, string?> _parentOf = IndexParents(questionnaire);

        public List<FhirIssue> Issues { get; } = [];

        public void CheckQuestionnaireReference(QuestionnaireResponse response)
        {
            if (response.Questionnaire is not { Length: > 0 } named || questionnaire.Url is null)
            {
                return;
            }

            var canonical = QuestionnaireCanonical.Parse(named);
            if (canonical.Url != questionnaire.Url || (canonical.Version is not null && questionnaire.Version is not null && canonical.Version != questionnaire.Version))
            {
                Add(OperationOutcome.IssueType.Invalid, "QuestionnaireResponse.questionnaire",
                    $"The response names Questionnaire '{named}' but is being checked against '{questionnaire.Url}|{questionnaire.Version}'.");
            }
        }

        public void Items(
            List<Questionnaire.ItemComponent> definitions,
            List<QuestionnaireResponse.ItemComponent> answered,
            string path,
            IReadOnlyList<IEnumerable<QuestionnaireResponse.ItemComponent>> scopes)
        {
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var i = 0; i < answered.Count; i++)
            {
                var item = answered[i];
                var linkId = item.LinkId ?? string.Empty;
                var itemPath = $"{path}.item[{i}]";
                var definition = definitions.FirstOrDefault(d => d.LinkId == item.LinkId);
                if (definition is null)
                {
                    UnknownOrMisplaced(linkId, itemPath);
                    continue;
                }

                seen[linkId] = seen.GetValueOrDefault(linkId) + 1;
                if (seen[linkId] == 2 && !(definition.Type == Questionnaire.QuestionnaireItemType.Group && definition.Repeats == true))
                {
                    Add(OperationOutcome.IssueType.Structure, itemPath, definition.Type == Questionnaire.QuestionnaireItemType.Group
                        ? $"Group '{linkId}' does not repeat but appears more than once."
                        : $"Item '{linkId}' appears more than once; a question that repeats keeps all its answers in one item.");
                }

                Item(definition, item, itemPath, scopes);
            }

            if (completed)
            {
                RequiredAnswered(definitions, answered, path, scopes);
            }
        }

        private void Item(
            Questionnaire.ItemComponent definition,
            QuestionnaireResponse.ItemComponent item,
            string path,
            IReadOnlyList<IEnumerable<QuestionnaireResponse.ItemComponent>> scopes)
        {
            var linkId = item.LinkId;
            if (!EnableWhenEvaluator.IsEnabled(definition, scopes))
            {
                if (HasContent(item))
                {
                    Add(OperationOutcome.IssueType.BusinessRule, path,
                        $"Item '{linkId}' is answered but disabled: its enableWhen ({EnableWhenEvaluator.Describe(definition)}) is not met. Remove the answer.");
                }

                return;
            }

            switch (definition.Type)
            {
                case Questionnaire.QuestionnaireItemType.Display:
                    if (HasContent(item))
                    {
                        Add(OperationOutcome.IssueType.Structure, path, $"Item '{linkId}' is a display item and cannot be answered.");
                    }

                    return;
                case Questionnaire.QuestionnaireItemType.Group:
                    if (item.Answer.Count > 0)
                    {
                        Add(OperationOutcome.IssueType.Structure, $"{path}.answer[0]",
                            $"Item '{linkId}' is a group: its contents go in item, not answer.");
                    }

                    Items(definition.Item, item.Item, path, [item.Item, .. scopes]);
                    return;
            }

            if (item.Item.Count > 0)
            {
                Add(OperationOutcome.IssueType.Structure, $"{path}.item[0]",
                    $"Item '{linkId}' is a question: items nested under it belong in answer.item.");
            }

            if (item.Answer.Count > 1 && definition.Repeats != true)
            {
                Add(OperationOutcome.IssueType.Structure, $"{path}.answer[1]",
                    $"Item '{linkId}' does not repeat but has {item.Answer.Count} answers.");
            }

            if (definition.GetExtensionValue<Integer>(MaxOccursUrl)?.Value is { } maxOccurs && item.Answer.Count > maxOccurs)
            {
                Add(OperationOutcome.IssueType.Structure, $"{path}.answer[{maxOccurs}]",
                    $"Item '{linkId}' allows at most {maxOccurs} answers but has {item.Answer.Count}.");
            }

            for (var j = 0; j < item.Answer.Count; j++)
            {
                var answer = item.Answer[j];
                var answerPath = $"{path}.answer[{j}]";
                Answer(definition, answer.Value, answerPath);
                if (definition.Item.Count > 0 || answer.Item.Count > 0)
                {
                    Items(definition.Item, answer.Item, answerPath, [answer.Item, .. scopes]);
                }
            }
        }

        private void Answer(Questionnaire.ItemComponent definition, DataType? value, string path)
        {
            var linkId = definition.LinkId;
            if (value is null)
            {
                return; // An answer without a value is a core rule (qrs-?); the profile validator reports it.
            }

            var actual = AnswerValues.FhirType(value);
            var allowed = AnswerValues.AllowedFor(definition);
            if (allowed.Count > 0 && !allowed.Contains(actual))
            {
                Add(OperationOutcome.IssueType.Value, path,
                    $"Answer to '{linkId}' is a {actual}, but a '{Literal(definition.Type)}' item takes {string.Join(" or ", allowed)}.");
                return;
            }

            var isChoice = definition.Type is Questionnaire.QuestionnaireItemType.Choice or Questionnaire.QuestionnaireItemType.OpenChoice;
            var freeText = definition.Type == Questionnaire.QuestionnaireItemType.OpenChoice && value is FhirString;
            if (isChoice && !freeText && definition.AnswerOption.Count > 0 && !definition.AnswerOption.Any(o => AnswerValues.AreEqual(value, o.Value)))
            {
                Add(OperationOutcome.IssueType.CodeInvalid, path,
                    $"Answer to '{linkId}' ({AnswerValues.Describe(value)}) is not one of its answerOptions.");
            }

            if (definition.MaxLength is { } maxLength && AnswerValues.TextLength(value) is { } length && length > maxLength)
            {
                Add(OperationOutcome.IssueType.TooLong, path,
                    $"Answer to '{linkId}' is {length} characters long; maxLength is {maxLength}.");
            }

            if (definition.GetExtension(MinValueUrl)?.Value is { } min && AnswerValues.Compare(value, min) < 0)
            {
                Add(OperationOutcome.IssueType.Value, path,
                    $"Answer to '{linkId}' ({AnswerValues.Describe(value)}) is below its minValue {AnswerValues.Describe(min)}.");
            }

            if (definition.GetExtension(MaxValueUrl)?.Value is { } max && AnswerValues.Compare(value, max) > 0)
            {
                Add(OperationOutcome.IssueType.Value, path,
                    $"Answer to '{linkId}' ({AnswerValues.Describe(value)}) is above its maxValue {AnswerValues.Describe(max)}.");
            }
        }

        private void RequiredAnswered(
            List<Questionnaire.ItemComponent> definitions,
            List<QuestionnaireResponse.ItemComponent> answered,
            string path,
            IReadOnlyList<IEnumerable<QuestionnaireResponse.ItemComponent>> scopes)
        {
            foreach (var definition in definitions.Where(d => d.Required == true && d.Type != Questionnaire.QuestionnaireItemType.Display))
            {
                if (!EnableWhenEvaluator.IsEnabled(definition, scopes))
                {
                    continue;
                }

                var present = answered.Where(a => a.LinkId == definition.LinkId);
                var isAnswered = definition.Type == Questionnaire.QuestionnaireItemType.Group
                    ? present.Any(HasContent)
                    : present.Any(a => a.Answer.Any(x => x.Value is not null));
                if (!isAnswered)
                {
                    Add(OperationOutcome.IssueType.Required, $"{path}.item.where(linkId='{definition.LinkId}')",
                        $"Item '{definition.LinkId}' is required and has no answer; a completed or amended response must answer it.");
                }
            }
        }

        private void UnknownOrMisplaced(string linkId, string path)
        {
            if (_parentOf.TryGetValue(linkId, out var parent))
            {
                var where = parent is null ? "at the top level" : $"under '{parent}'";
                Add(OperationOutcome.IssueType.Structure, path,
                    $"Item '{linkId}' is not allowed here: in the Questionnaire it is {where}.");
            }
            else
            {
                Add(OperationOutcome.IssueType.Structure, path,
                    $"Item '{linkId}' does not exist in Questionnaire '{questionnaire.Url ?? questionnaire.Id}'.");
            }
        }

        private void Add(OperationOutcome.IssueType code, string expression, string diagnostics) =>
            Issues.Add(new FhirIssue(code, diagnostics, expression));

        private static bool HasContent(QuestionnaireResponse.ItemComponent item) =>
            item.Answer.Any(a => a.Value is not null || a.Item.Any(HasContent)) || item.Item.Any(HasContent);

        private static string Literal(Questionnaire.QuestionnaireItemType? type) =>
            type is null ? "untyped" : Hl7.Fhir.Utility.EnumUtility.GetLiteral(type.Value) ?? type.Value.ToString();

        private static Dictionary<string, string?> IndexParents(Questionnaire questionnaire)
        {
            var parents = new Dictionary<string, string?>(StringComparer.Ordinal);
            void Visit(IEnumerable<Questionnaire.ItemComponent> items, string? parent)
            {
                foreach (var item in items)
                {
                    if (item.LinkId is not null)
                    {
                        parents.TryAdd(item.LinkId, parent);
                    }

                    Visit(item.Item, item.LinkId);
                }
            }

            Visit(questionnaire.Item, null);
            return parents;
        }
    }
}
