using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Questionnaires;

/// <summary>
/// Decides whether an item is enabled from its enableWhen conditions and enableBehavior (all/any), as R4 defines the
/// operators: with no answer, every operator but exists is false; != holds when answers exist and none equals.
/// Answers are looked up nearest first: in the current repetition of each enclosing group, then the whole response.
/// enableWhenExpression (SDC) is not evaluated.
/// </summary>
internal static class EnableWhenEvaluator
{
    public static bool IsEnabled(Questionnaire.ItemComponent item, IReadOnlyList<IEnumerable<QuestionnaireResponse.ItemComponent>> scopes)
    {
        if (item.EnableWhen.Count == 0)
        {
            return true;
        }

        var results = item.EnableWhen.Select(condition => Holds(condition, AnswersTo(condition.Question, scopes)));
        return item.EnableBehavior == Questionnaire.EnableWhenBehavior.Any ? results.Any(r => r) : results.All(r => r);
    }

    public static string Describe(Questionnaire.ItemComponent item)
    {
        var conditions = item.EnableWhen.Select(c => $"'{c.Question}' {Operator(c.Operator)} {AnswerValues.Describe(c.Answer)}");
        var joiner = item.EnableBehavior == Questionnaire.EnableWhenBehavior.Any ? " or " : " and ";
        return string.Join(joiner, conditions);
    }

    private static bool Holds(Questionnaire.EnableWhenComponent condition, IReadOnlyList<DataType> answers)
    {
        if (condition.Operator == Questionnaire.QuestionnaireItemOperator.Exists)
        {
            var wanted = condition.Answer is FhirBoolean { Value: true };
            return (answers.Count > 0) == wanted;
        }

        if (answers.Count == 0)
        {
            return false;
        }

        return condition.Operator switch
        {
            Questionnaire.QuestionnaireItemOperator.Equal => answers.Any(a => AnswerValues.AreEqual(a, condition.Answer)),
            Questionnaire.QuestionnaireItemOperator.NotEqual => !answers.Any(a => AnswerValues.AreEqual(a, condition.Answer)),
            Questionnaire.QuestionnaireItemOperator.GreaterThan => answers.Any(a => AnswerValues.Compare(a, condition.Answer) > 0),
            Questionnaire.QuestionnaireItemOperator.LessThan => answers.Any(a => AnswerValues.Compare(a, condition.Answer) < 0),
            Questionnaire.QuestionnaireItemOperator.GreaterOrEqual => answers.Any(a => AnswerValues.Compare(a, condition.Answer) >= 0),
            Questionnaire.QuestionnaireItemOperator.LessOrEqual => answers.Any(a => AnswerValues.Compare(a, condition.Answer) <= 0),
            _ => false,
        };
    }

    private static List<DataType> AnswersTo(string? linkId, IReadOnlyList<IEnumerable<QuestionnaireResponse.ItemComponent>> scopes)
    {
        foreach (var scope in scopes)
        {
            var found = Descendants(scope).Where(i => i.LinkId == linkId).ToList();
            if (found.Count > 0)
            {
                return found.SelectMany(i => i.Answer).Select(a => a.Value).OfType<DataType>().ToList();
            }
        }

        return [];
    }

    private static IEnumerable<QuestionnaireResponse.ItemComponent> Descendants(IEnumerable<QuestionnaireResponse.ItemComponent> items)
    {
        foreach (var item in items)
        {
            yield return item;
            foreach (var child in Descendants(item.Item.Concat(item.Answer.SelectMany(a => a.Item))))
            {
                yield return child;
            }
        }
    }

    private static string Operator(Questionnaire.QuestionnaireItemOperator? op) => op switch
    {
        Questionnaire.QuestionnaireItemOperator.Exists => "exists",
        Questionnaire.QuestionnaireItemOperator.Equal => "=",
        Questionnaire.QuestionnaireItemOperator.NotEqual => "!=",
        Questionnaire.QuestionnaireItemOperator.GreaterThan => ">",
        Questionnaire.QuestionnaireItemOperator.LessThan => "<",
        Questionnaire.QuestionnaireItemOperator.GreaterOrEqual => ">=",
        Questionnaire.QuestionnaireItemOperator.LessOrEqual => "<=",
        _ => "?",
    };
}
