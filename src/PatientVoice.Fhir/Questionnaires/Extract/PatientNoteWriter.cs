using System.Globalization;
using System.Text;
using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Questionnaires.Extract;

/// <summary>
/// Writes the patient's answers as readable HTML in their own words: the patient note's attachment (under headings:
/// "What I'm hoping for", "What worries me", ...) and the response's narrative (question by question). Every answer
/// and question text is HTML-escaped; nothing the patient typed becomes markup. Stateless.
/// </summary>
internal static class PatientNoteWriter
{
    private const string HiddenUrl = "http://hl7.org/fhir/StructureDefinition/questionnaire-hidden";

    /// <summary>The note body (headings and answers), or null when nothing was answered.</summary>
    public static string? NoteBody(QuestionnaireResponse response, Questionnaire questionnaire)
    {
        var sections = new Dictionary<string, StringBuilder>(StringComparer.Ordinal);
        foreach (var item in response.Item.Where(ExtractionRun.HasContent))
        {
            if (item.LinkId is null || PatientNoteSections.For(item.LinkId) is not { } heading)
            {
                continue;
            }

            var definition = questionnaire.Item.FirstOrDefault(d => d.LinkId == item.LinkId);
            if (!sections.TryGetValue(heading, out var html))
            {
                sections[heading] = html = new StringBuilder();
            }

            Item(html, definition, item, level: 3);
        }

        if (sections.Count == 0)
        {
            return null;
        }

        var body = new StringBuilder();
        body.Append("<h2>").Append(Escape(questionnaire.Title ?? questionnaire.Name ?? "My answers")).Append("</h2>");
        foreach (var heading in PatientNoteSections.Order.Where(sections.ContainsKey))
        {
            body.Append("<h3>").Append(Escape(heading)).Append("</h3>").Append(sections[heading]);
        }

        return body.ToString();
    }

    /// <summary>The note as a standalone HTML document (the attachment).</summary>
    public static string Document(string body, string? language) =>
        $"<!DOCTYPE html><html lang=\"{Escape(language ?? "en")}\"><head><meta charset=\"utf-8\"/><title>Patient note</title></head><body>{body}</body></html>";

    /// <summary>The response's narrative: every answered question in the form's order.</summary>
    public static Narrative Narrative(QuestionnaireResponse response, Questionnaire questionnaire)
    {
        var html = new StringBuilder();
        html.Append("<h2>").Append(Escape(questionnaire.Title ?? questionnaire.Name ?? "Answers")).Append("</h2>");
        if (response.Authored is { } authored)
        {
            html.Append("<p>Answered ").Append(Escape(authored)).Append("</p>");
        }

        foreach (var item in response.Item.Where(ExtractionRun.HasContent))
        {
            Item(html, questionnaire.Item.FirstOrDefault(d => d.LinkId == item.LinkId), item, level: 3);
        }

        return new Narrative
        {
            Status = Hl7.Fhir.Model.Narrative.NarrativeStatus.Generated,
            Div = $"<div xmlns=\"http://www.w3.org/1999/xhtml\">{html}</div>",
        };
    }

    private static void Item(StringBuilder html, Questionnaire.ItemComponent? definition, QuestionnaireResponse.ItemComponent item, int level)
    {
        if (definition?.GetExtensionValue<FhirBoolean>(HiddenUrl)?.Value == true)
        {
            return; // hidden items hold what the form keeps for the system (a carried goal's id), not the patient's words
        }

        var label = Escape(definition?.Text ?? item.Text ?? item.LinkId ?? string.Empty);
        if (definition?.Type == Questionnaire.QuestionnaireItemType.Group || item.Item.Count > 0)
        {
            var heading = Math.Min(level + 1, 6).ToString(CultureInfo.InvariantCulture);
            html.Append("<h").Append(heading).Append('>').Append(label).Append("</h").Append(heading).Append('>');
            foreach (var child in item.Item.Where(ExtractionRun.HasContent))
            {
                Item(html, definition?.Item.FirstOrDefault(d => d.LinkId == child.LinkId), child, level + 1);
            }

            return;
        }

        var answers = item.Answer.Where(a => a.Value is not null).Select(a => Escape(Text(a.Value!))).ToList();
        html.Append("<p><b>").Append(label).Append("</b></p>");
        if (answers.Count == 1)
        {
            html.Append("<p>").Append(answers[0]).Append("</p>");
        }
        else if (answers.Count > 1)
        {
            html.Append(definition?.Repeats == true ? "<ol>" : "<ul>");
            foreach (var answer in answers)
            {
                html.Append("<li>").Append(answer).Append("</li>");
            }

            html.Append(definition?.Repeats == true ? "</ol>" : "</ul>");
        }

        foreach (var answer in item.Answer)
        {
            foreach (var child in answer.Item.Where(ExtractionRun.HasContent))
            {
                Item(html, definition?.Item.FirstOrDefault(d => d.LinkId == child.LinkId), child, level + 1);
            }
        }
    }

    private static string Text(DataType value) => value switch
    {
        FhirBoolean b => b.Value == true ? "Yes" : "No",
        Coding c => c.Display ?? c.Code ?? string.Empty,
        Quantity q => $"{q.Value?.ToString(CultureInfo.InvariantCulture)} {q.Unit ?? q.Code}".Trim(),
        ResourceReference r => r.Display ?? r.Reference ?? string.Empty,
        Attachment a => a.Title ?? a.Url ?? "attachment",
        PrimitiveType p => p.ToString() ?? string.Empty,
        _ => value.TypeName,
    };

    // Only the five characters that matter: answers in other languages stay readable in the note.
    private static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }
}
