using System.Globalization;
using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Questionnaires;

/// <summary>What an answer value is, in FHIR's words, and how two values compare: shared by the answer rules and enableWhen.</summary>
internal static class AnswerValues
{
    private static readonly Dictionary<Questionnaire.QuestionnaireItemType, string[]> AllowedTypes = new()
    {
        [Questionnaire.QuestionnaireItemType.Boolean] = ["boolean"],
        [Questionnaire.QuestionnaireItemType.Decimal] = ["decimal"],
        [Questionnaire.QuestionnaireItemType.Integer] = ["integer"],
        [Questionnaire.QuestionnaireItemType.Date] = ["date"],
        [Questionnaire.QuestionnaireItemType.DateTime] = ["dateTime"],
        [Questionnaire.QuestionnaireItemType.Time] = ["time"],
        [Questionnaire.QuestionnaireItemType.String] = ["string"],
        [Questionnaire.QuestionnaireItemType.Text] = ["string"],
        [Questionnaire.QuestionnaireItemType.Url] = ["uri"],
        [Questionnaire.QuestionnaireItemType.Choice] = ["Coding"],
        [Questionnaire.QuestionnaireItemType.OpenChoice] = ["Coding", "string"],
        [Questionnaire.QuestionnaireItemType.Attachment] = ["Attachment"],
        [Questionnaire.QuestionnaireItemType.Reference] = ["Reference"],
        [Questionnaire.QuestionnaireItemType.Quantity] = ["Quantity"],
    };

    /// <summary>The FHIR type names an item of this type may be answered with (choice items may also take their answerOption types).</summary>
    public static IReadOnlyCollection<string> AllowedFor(Questionnaire.ItemComponent item)
    {
        if (item.Type is not { } type || !AllowedTypes.TryGetValue(type, out var allowed))
        {
            return [];
        }

        if (type is Questionnaire.QuestionnaireItemType.Choice or Questionnaire.QuestionnaireItemType.OpenChoice)
        {
            return allowed.Concat(item.AnswerOption.Select(o => FhirType(o.Value)).OfType<string>()).Distinct().ToList();
        }

        return allowed;
    }

    public static string? FhirType(DataType? value) => value switch
    {
        null => null,
        ResourceReference => "Reference",
        _ => value.TypeName,
    };

    /// <summary>A short rendering for messages; never more than the value itself.</summary>
    public static string Describe(DataType? value) => value switch
    {
        null => "no value",
        Coding c => $"{c.System}|{c.Code}",
        Quantity q => $"{q.Value} {q.Unit ?? q.Code}",
        ResourceReference r => r.Reference ?? r.Display ?? "reference",
        Attachment => "attachment",
        PrimitiveType p => $"'{p}'",
        _ => value.TypeName,
    };

    public static bool AreEqual(DataType? left, DataType? right) => (left, right) switch
    {
        (Coding a, Coding b) => a.Code == b.Code && (a.System is null || b.System is null || a.System == b.System),
        (Quantity a, Quantity b) => a.Value == b.Value && (a.Code ?? a.Unit) == (b.Code ?? b.Unit),
        (ResourceReference a, ResourceReference b) => a.Reference == b.Reference,
        _ when Compare(left, right) is { } order => order == 0,
        (PrimitiveType a, PrimitiveType b) => a.ToString() == b.ToString(),
        _ => false,
    };

    /// <summary>Orders two comparable values (numbers, dates, times, strings, quantities in one unit); null when they do not compare.</summary>
    public static int? Compare(DataType? left, DataType? right)
    {
        if (Number(left) is { } x && Number(right) is { } y)
        {
            return x.CompareTo(y);
        }

        return (left, right) switch
        {
            (Quantity a, Quantity b) when a.Value is { } av && b.Value is { } bv && (a.Code ?? a.Unit) == (b.Code ?? b.Unit) => av.CompareTo(bv),
            (Date a, Date b) => string.CompareOrdinal(a.Value, b.Value),
            (FhirDateTime a, FhirDateTime b) => string.CompareOrdinal(a.Value, b.Value),
            (Date a, FhirDateTime b) => string.CompareOrdinal(a.Value, b.Value),
            (FhirDateTime a, Date b) => string.CompareOrdinal(a.Value, b.Value),
            (Time a, Time b) => string.CompareOrdinal(a.Value, b.Value),
            (FhirString a, FhirString b) => string.CompareOrdinal(a.Value, b.Value),
            (FhirBoolean a, FhirBoolean b) when a.Value is { } av && b.Value is { } bv => av.CompareTo(bv),
            _ => null,
        };
    }

    public static decimal? Number(DataType? value) => value switch
    {
        Integer i => i.Value,
        FhirDecimal d => d.Value,
        UnsignedInt u => u.Value,
        PositiveInt p => p.Value,
        Integer64 l => l.Value,
        _ => null,
    };

    public static int? TextLength(DataType? value) => value switch
    {
        FhirString s => s.Value?.Length,
        FhirUri u => u.Value?.Length,
        _ => null,
    };

    public static string Invariant(decimal value) => value.ToString(CultureInfo.InvariantCulture);
}
