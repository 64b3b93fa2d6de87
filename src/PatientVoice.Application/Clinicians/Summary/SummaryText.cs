using Hl7.Fhir.Model;

namespace PatientVoice.Application.Clinicians.Summary;

/// <summary>Small readings of FHIR values the summary needs: answers as text, words compared loosely.</summary>
internal static class SummaryText
{
    /// <summary>Every answer to <paramref name="linkId"/> anywhere in the response, as the text the patient gave or chose.</summary>
    public static IEnumerable<string> Answers(QuestionnaireResponse response, string linkId) =>
        Items(response.Item).Where(i => i.LinkId == linkId).SelectMany(i => i.Answer).Select(a => AsText(a.Value)).OfType<string>();

    public static IEnumerable<QuestionnaireResponse.ItemComponent> Items(IEnumerable<QuestionnaireResponse.ItemComponent> items)
    {
        foreach (var item in items)
        {
            yield return item;
            foreach (var nested in Items(item.Item.Concat(item.Answer.SelectMany(a => a.Item))))
            {
                yield return nested;
            }
        }
    }

    public static string? AsText(DataType? value) => value switch
    {
        FhirString s => s.Value,
        Coding c => c.Display ?? c.Code,
        FhirBoolean b => b.Value switch { true => "Yes", false => "No", _ => null },
        Date d => d.Value,
        FhirDateTime dt => dt.Value,
        Integer i => i.Value?.ToString(System.Globalization.CultureInfo.InvariantCulture),
        PrimitiveType p => p.ToString(),
        _ => null,
    };

    /// <summary>Words compared as a reader would: case, surrounding and repeated spaces ignored.</summary>
    public static string Key(string? text) =>
        string.Join(' ', (text ?? string.Empty).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

    /// <summary>The form a response answers: the last segment of its canonical without version (<c>my-goals</c>).</summary>
    public static string FormOf(QuestionnaireResponse response)
    {
        var canonical = response.Questionnaire ?? string.Empty;
        var bar = canonical.IndexOf('|', StringComparison.Ordinal);
        var url = bar >= 0 ? canonical[..bar] : canonical;
        return url[(url.LastIndexOf('/') + 1)..];
    }

    public static DateTimeOffset? When(QuestionnaireResponse response) =>
        response.AuthoredElement?.TryToDateTimeOffset(out var at) == true ? at : response.Meta?.LastUpdated;
}
