using Hl7.Fhir.Model;
using PatientVoice.Fhir.Questionnaires.Extract;

namespace PatientVoice.Fhir.Questionnaires.Populate;

/// <summary>
/// Fits what an expression returned (a FHIR element, a resource, a computed primitive) to the answer type of an item —
/// a HumanName or CodeableConcept to its text for a string item, a code to the matching answerOption for a choice
/// item, a resource to a Reference — and says whether a carried-forward answer is still a valid answer to the item.
/// Stateless.
/// </summary>
internal static class AnswerConversion
{
    private const string MinValueUrl = "http://hl7.org/fhir/StructureDefinition/minValue";
    private const string MaxValueUrl = "http://hl7.org/fhir/StructureDefinition/maxValue";

    /// <summary>The answer value for <paramref name="item"/>, or null when <paramref name="value"/> cannot answer it.</summary>
    public static DataType? ToAnswer(Base value, Questionnaire.ItemComponent item)
    {
        var answer = item.Type switch
        {
            Questionnaire.QuestionnaireItemType.Boolean => value is FhirBoolean b ? (DataType)b.DeepCopy() : null,
            Questionnaire.QuestionnaireItemType.Decimal => AnswerValues.Number(value as DataType) is { } d ? new FhirDecimal(d) : null,
            Questionnaire.QuestionnaireItemType.Integer => value switch
            {
                Integer i => (DataType)i.DeepCopy(),
                _ when AnswerValues.Number(value as DataType) is { } n && n == decimal.Truncate(n) && n is >= int.MinValue and <= int.MaxValue => new Integer((int)n),
                _ => null,
            },
            Questionnaire.QuestionnaireItemType.Date => value switch
            {
                Date d => (DataType)d.DeepCopy(),
                FhirDateTime { Value: { Length: >= 4 } v } => new Date(v.Length >= 10 ? v[..10] : v),
                _ => null,
            },
            Questionnaire.QuestionnaireItemType.DateTime => value switch
            {
                FhirDateTime dt => (DataType)dt.DeepCopy(),
                Date { Value: { } v } => new FhirDateTime(v),
                Instant { Value: { } at } => new FhirDateTime(at),
                _ => null,
            },
            Questionnaire.QuestionnaireItemType.Time => value is Time t ? (DataType)t.DeepCopy() : null,
            Questionnaire.QuestionnaireItemType.String or Questionnaire.QuestionnaireItemType.Text => TextOf(value) is { Length: > 0 } text ? new FhirString(text) : null,
            Questionnaire.QuestionnaireItemType.Url => value is FhirUri or FhirUrl or FhirString ? new FhirUri(TextOf(value)) : null,
            Questionnaire.QuestionnaireItemType.Choice => CodingFor(value, item),
            Questionnaire.QuestionnaireItemType.OpenChoice => CodingFor(value, item) ?? (TextOf(value) is { Length: > 0 } free ? new FhirString(free) : null),
            Questionnaire.QuestionnaireItemType.Attachment => value is Attachment a ? (DataType)a.DeepCopy() : null,
            Questionnaire.QuestionnaireItemType.Reference => value switch
            {
                ResourceReference r => (DataType)r.DeepCopy(),
                Resource { Id: { Length: > 0 } id } resource => new ResourceReference($"{resource.TypeName}/{id}"),
                _ => null,
            },
            Questionnaire.QuestionnaireItemType.Quantity => value switch
            {
                Quantity q => (DataType)q.DeepCopy(),
                _ when AnswerValues.Number(value as DataType) is { } n => new Quantity { Value = n },
                _ => null,
            },
            _ => null,
        };

        return answer is not null && WhyInvalid(item, answer) is null ? answer : null;
    }

    /// <summary>Why <paramref name="value"/> is no longer a valid answer to <paramref name="item"/>, or null when it is.</summary>
    public static string? WhyInvalid(Questionnaire.ItemComponent item, DataType value)
    {
        var actual = AnswerValues.FhirType(value);
        var allowed = AnswerValues.AllowedFor(item);
        if (allowed.Count > 0 && (actual is null || !allowed.Contains(actual)))
        {
            return $"a {actual} does not answer a {item.Type} item";
        }

        var isChoice = item.Type is Questionnaire.QuestionnaireItemType.Choice or Questionnaire.QuestionnaireItemType.OpenChoice;
        var freeText = item.Type == Questionnaire.QuestionnaireItemType.OpenChoice && value is FhirString;
        if (isChoice && !freeText && item.AnswerOption.Count > 0 && !item.AnswerOption.Any(o => AnswerValues.AreEqual(value, o.Value)))
        {
            return "it is not one of the item's answer options";
        }

        if (item.MaxLength is { } maxLength && AnswerValues.TextLength(value) is { } length && length > maxLength)
        {
            return $"it is longer than the item's maxLength ({maxLength})";
        }

        if (item.GetExtension(MinValueUrl)?.Value is { } min && AnswerValues.Compare(value, min) < 0)
        {
            return "it is below the item's minValue";
        }

        if (item.GetExtension(MaxValueUrl)?.Value is { } max && AnswerValues.Compare(value, max) > 0)
        {
            return "it is above the item's maxValue";
        }

        return null;
    }

    private static DataType? CodingFor(Base value, Questionnaire.ItemComponent item)
    {
        var candidates = value switch
        {
            Coding c => [c],
            CodeableConcept cc => cc.Coding,
            ValueSet.ContainsComponent contains => [new Coding(contains.System, contains.Code, contains.Display)],
            // A bare code or text (Patient.gender 'male') is the option with that code, or else that display.
            Code or FhirString when item.AnswerOption.Count > 0 => item.AnswerOption.Select(o => o.Value).OfType<Coding>()
                .Where(o => o.Code == ((PrimitiveType)value).ToString()).Concat(item.AnswerOption.Select(o => o.Value).OfType<Coding>()
                .Where(o => string.Equals(o.Display, ((PrimitiveType)value).ToString(), StringComparison.OrdinalIgnoreCase))).ToList(),
            Code code => [new Coding(null, code.Value)],
            _ => new List<Coding>(),
        };

        if (item.AnswerOption.Count == 0)
        {
            return candidates.FirstOrDefault()?.DeepCopy() as Coding;
        }

        // The option's own coding (with its display), for the first candidate that is one of the options.
        foreach (var candidate in candidates)
        {
            if (item.AnswerOption.Select(o => o.Value).FirstOrDefault(o => AnswerValues.AreEqual(candidate, o)) is { } option)
            {
                return (DataType)option.DeepCopy();
            }
        }

        return null;
    }

    /// <summary>Text for a string item: primitives as they are, a name as it is written, a concept by its text or display.</summary>
    internal static string? TextOf(Base value) => value switch
    {
        PrimitiveType { JsonValue: { } v } p => p is FhirDateTime or Date or Instant or Time ? p.ToString() : Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture),
        HumanName name => name.Text ?? string.Join(' ', name.Given.Append(name.Family).Where(s => !string.IsNullOrWhiteSpace(s))),
        CodeableConcept cc => cc.Text ?? cc.Coding.Select(c => c.Display).FirstOrDefault(d => !string.IsNullOrWhiteSpace(d)),
        Coding c => c.Display ?? c.Code,
        ValueSet.ContainsComponent contains => contains.Display ?? contains.Code,
        Quantity q => $"{q.Value} {q.Unit ?? q.Code}".Trim(),
        ResourceReference r => r.Display ?? r.Reference,
        Address a => a.Text ?? string.Join(", ", a.Line.Append(a.City).Append(a.PostalCode).Where(s => !string.IsNullOrWhiteSpace(s))),
        ContactPoint cp => cp.Value,
        Identifier identifier => identifier.Value,
        _ => null,
    };

    /// <summary>Whether a group definition makes a resource (definitionExtract or the legacy itemExtractionContext), and which type.</summary>
    internal static string? ExtractedType(Questionnaire.ItemComponent group)
    {
        if (group.GetExtension("http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-itemExtractionContext")?.Value is Code code)
        {
            return code.Value;
        }

        var extract = group.GetExtension("http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-definitionExtract");
        var canonical = (extract?.GetExtension("definition")?.Value as Canonical)?.Value ?? (extract?.Value as Canonical)?.Value;
        if (canonical is null)
        {
            return null;
        }

        const string core = "http://hl7.org/fhir/StructureDefinition/";
        return canonical.StartsWith(core, StringComparison.Ordinal)
            ? canonical[core.Length..].Split('|')[0]
            : group.Item.Select(i => DefinitionPath.Parse(i.Definition)).FirstOrDefault(p => p?.Canonical == canonical.Split('|')[0])?.ResourceType;
    }

    /// <summary>The child item whose definition is <c>{Type}.id</c>: its answer names the resource the repetition updates.</summary>
    internal static Questionnaire.ItemComponent? IdItem(Questionnaire.ItemComponent group, string resourceType) =>
        group.Item.FirstOrDefault(i => DefinitionPath.Parse(i.Definition) is { Steps: [{ Name: "id" }] } path && path.ResourceType == resourceType);
}
