using System.Globalization;
using Hl7.Fhir.Model;

namespace PatientVoice.Web.Patients;

/// <summary>One answered question as the patient sees it on review and in "My copy": the question, their answers.</summary>
public sealed record AnsweredQuestion(string Question, IReadOnlyList<string> Answers, int Depth);

/// <summary>Turns a response into questions and answers in the page language, in the questionnaire's order.</summary>
public static class AnswerSummary
{
    private const string HiddenExtension = "http://hl7.org/fhir/StructureDefinition/questionnaire-hidden";

    public static IReadOnlyList<AnsweredQuestion> Of(QuestionnaireResponse response, Questionnaire? questionnaire, string language, string yes, string no)
    {
        var localized = questionnaire is null ? null : QuestionnaireLocalizer.Localize(questionnaire, language);
        var result = new List<AnsweredQuestion>();
        Walk(response.Item, localized?.Item ?? [], 0, result, yes, no);
        return result;
    }

    private static void Walk(IEnumerable<QuestionnaireResponse.ItemComponent> items, List<Questionnaire.ItemComponent> definitions, int depth, List<AnsweredQuestion> result, string yes, string no)
    {
        foreach (var item in items)
        {
            var definition = definitions.FirstOrDefault(d => d.LinkId == item.LinkId);
            if (definition?.GetExtension(HiddenExtension)?.Value is FhirBoolean { Value: true })
            {
                continue; // e.g. the id of the Goal a carried goal already is: the server's bookkeeping, not the patient's words
            }

            var question = definition?.Text ?? item.Text ?? item.LinkId ?? "";
            var answers = item.Answer.Select(a => Display(a.Value, definition, yes, no)).Where(a => a.Length > 0).ToList();
            if (answers.Count > 0)
            {
                result.Add(new AnsweredQuestion(question, answers, depth));
            }
            else if (item.Item.Count > 0 && HasAnswers(item.Item))
            {
                result.Add(new AnsweredQuestion(question, [], depth));
            }

            Walk(item.Item, definition?.Item ?? [], depth + 1, result, yes, no);
            foreach (var answer in item.Answer.Where(a => a.Item.Count > 0))
            {
                Walk(answer.Item, definition?.Item ?? [], depth + 1, result, yes, no);
            }
        }
    }

    private static bool HasAnswers(IEnumerable<QuestionnaireResponse.ItemComponent> items)
        => items.Any(i => i.Answer.Count > 0 || HasAnswers(i.Item));

    private static string Display(DataType? value, Questionnaire.ItemComponent? definition, string yes, string no) => value switch
    {
        FhirString s => s.Value ?? "",
        FhirBoolean b => b.Value == true ? yes : no,
        Integer i => i.Value?.ToString(CultureInfo.InvariantCulture) ?? "",
        FhirDecimal d => d.Value?.ToString(CultureInfo.InvariantCulture) ?? "",
        Date d => d.Value ?? "",
        FhirDateTime dt => dt.Value ?? "",
        Coding c => definition?.AnswerOption.Select(o => o.Value).OfType<Coding>().FirstOrDefault(o => o.Code == c.Code && o.System == c.System)?.Display
            ?? c.Display ?? c.Code ?? "",
        Quantity q => $"{q.Value?.ToString(CultureInfo.InvariantCulture)} {q.Unit}".Trim(),
        _ => value?.ToString() ?? "",
    };
}
