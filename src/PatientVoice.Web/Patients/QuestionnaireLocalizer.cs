using Hl7.Fhir.Model;

namespace PatientVoice.Web.Patients;

/// <summary>
/// A Questionnaire in one language: every text that carries a FHIR <c>translation</c> extension for that language
/// (title, item text and prefix, answer option displays) replaced by the translation, and <c>language</c> set.
/// Codes and linkIds do not change, so answers given in one language stay answers in the other.
/// LHC-Forms does not read the translation extension itself; this is why the pages render a localized copy.
/// </summary>
public static class QuestionnaireLocalizer
{
    public const string TranslationUrl = "http://hl7.org/fhir/StructureDefinition/translation";

    public static Questionnaire Localize(Questionnaire questionnaire, string language)
    {
        var copy = (Questionnaire)questionnaire.DeepCopy();
        if (string.Equals(questionnaire.Language ?? "en", language, StringComparison.OrdinalIgnoreCase))
        {
            return copy;
        }

        Translate(copy.TitleElement, language);
        foreach (var item in copy.Item)
        {
            TranslateItem(item, language);
        }

        copy.Language = language;
        return copy;
    }

    /// <summary>
    /// Gives the coded answers of <paramref name="response"/> the displays of <paramref name="localized"/>'s answer options
    /// (same system and code): LHC-Forms shows an answer only when it is one of the options as the page shows them, so a
    /// pre-filled "Me" must be "Yo" on a Spanish page.
    /// </summary>
    public static void AlignAnswers(QuestionnaireResponse response, Questionnaire localized)
    {
        ArgumentNullException.ThrowIfNull(response);
        ArgumentNullException.ThrowIfNull(localized);
        var options = new Dictionary<(string?, string?), string?>();
        Collect(localized.Item, options);
        Align(response.Item, options);
    }

    private static void Collect(IEnumerable<Questionnaire.ItemComponent> items, Dictionary<(string?, string?), string?> options)
    {
        foreach (var item in items)
        {
            foreach (var coding in item.AnswerOption.Select(o => o.Value).OfType<Coding>())
            {
                options.TryAdd((coding.System, coding.Code), coding.Display);
            }

            Collect(item.Item, options);
        }
    }

    private static void Align(IEnumerable<QuestionnaireResponse.ItemComponent> items, Dictionary<(string?, string?), string?> options)
    {
        foreach (var item in items)
        {
            foreach (var answer in item.Answer)
            {
                if (answer.Value is Coding coding && options.TryGetValue((coding.System, coding.Code), out var display))
                {
                    coding.Display = display;
                }

                Align(answer.Item, options);
            }

            Align(item.Item, options);
        }
    }

    /// <summary>The translation of <paramref name="element"/> into <paramref name="language"/>, or its own value.</summary>
    public static string? Text(PrimitiveType? element, string language)
    {
        if (element is null)
        {
            return null;
        }

        return TranslationOf(element, language) ?? element.JsonValue as string;
    }

    private static void TranslateItem(Questionnaire.ItemComponent item, string language)
    {
        Translate(item.TextElement, language);
        Translate(item.PrefixElement, language);
        foreach (var option in item.AnswerOption)
        {
            switch (option.Value)
            {
                case Coding coding:
                    Translate(coding.DisplayElement, language);
                    break;
                case FhirString text:
                    Translate(text, language);
                    break;
            }
        }

        foreach (var child in item.Item)
        {
            TranslateItem(child, language);
        }
    }

    private static void Translate(PrimitiveType? element, string language)
    {
        if (element is not null && TranslationOf(element, language) is { } translated)
        {
            element.JsonValue = translated;
        }
    }

    private static string? TranslationOf(Element element, string language)
    {
        foreach (var translation in element.Extension.Where(e => e.Url == TranslationUrl))
        {
            var lang = (translation.GetExtension("lang")?.Value as Code)?.Value;
            if (lang is not null && (string.Equals(lang, language, StringComparison.OrdinalIgnoreCase)
                || lang.StartsWith(language + "-", StringComparison.OrdinalIgnoreCase)))
            {
                return (translation.GetExtension("content")?.Value as FhirString)?.Value;
            }
        }

        return null;
    }
}
