using System.Text.Json;
using System.Xml.Linq;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.ReadingLevel;

/// <summary>One piece of text a patient reads: where it comes from, its language, and the words.</summary>
public sealed record PatientTextUnit(string Source, string Key, string Language, string Text);

/// <summary>
/// Every text a patient reads that is ours: the patient pages' phrases (Resources/Patients/*.resx, English and Spanish)
/// and our four questionnaires (profiles/Questionnaire-*.json: title, item text and prefix, answer options, in English
/// and in their Spanish <c>translation</c> extensions). Hidden items are left out (nobody reads them).
/// </summary>
public static class PatientTextCorpus
{
    private const string TranslationUrl = "http://hl7.org/fhir/StructureDefinition/translation";
    private const string HiddenUrl = "http://hl7.org/fhir/StructureDefinition/questionnaire-hidden";

    public static IReadOnlyList<PatientTextUnit> All() => [.. Resources(), .. Questionnaires(), .. PageTexts()];

    /// <summary>
    /// The launch, session and failure pages (<see cref="PatientVoice.Web.Localization.LaunchText"/>) and the shared layout
    /// (<see cref="PatientVoice.Web.Localization.LayoutText"/>), English and Spanish. Left out: the product's name, and a
    /// failure's <c>ForTheEhr</c> (written for the person who administers the EHR, in its terms, not for the patient).
    /// </summary>
    public static IEnumerable<PatientTextUnit> PageTexts()
    {
        foreach (var (source, english, spanish) in new (string, object, object)[]
                 {
                     ("LaunchText", PatientVoice.Web.Localization.LaunchText.English, PatientVoice.Web.Localization.LaunchText.Spanish),
                     ("LayoutText", PatientVoice.Web.Localization.LayoutText.English, PatientVoice.Web.Localization.LayoutText.Spanish),
                 })
        {
            foreach (var (language, texts) in new[] { ("en", english), ("es", spanish) })
            {
                foreach (var property in texts.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0 && !p.GetMethod!.IsStatic))
                {
                    switch (property.GetValue(texts))
                    {
                        case string text when property.Name is not ("AppName" or "EqualityContract"):
                            yield return new PatientTextUnit(source, property.Name, language, text);
                            break;
                        case PatientVoice.Web.Localization.FailureText failure:
                            yield return new PatientTextUnit(source, property.Name + ".Title", language, failure.Title);
                            yield return new PatientTextUnit(source, property.Name + ".WhatHappened", language, failure.WhatHappened);
                            yield return new PatientTextUnit(source, property.Name + ".WhatToDo", language, failure.WhatToDo);
                            break;
                    }
                }
            }
        }
    }

    public static IEnumerable<PatientTextUnit> Resources()
    {
        var folder = Path.Combine(RepositoryPaths.Root, "src", "PatientVoice.Web", "Resources", "Patients");
        foreach (var file in Directory.GetFiles(folder, "*.resx").Order(StringComparer.Ordinal))
        {
            var language = Path.GetFileNameWithoutExtension(file).EndsWith(".es", StringComparison.Ordinal) ? "es" : "en";
            foreach (var data in XDocument.Load(file).Root!.Elements("data"))
            {
                var name = (string)data.Attribute("name")!;
                // The PDF's file name and the LHC-Forms version are not sentences.
                if (name is "PdfFileName" or "LFormsVersion")
                {
                    continue;
                }

                yield return new PatientTextUnit(Path.GetFileName(file), name, language, (string?)data.Element("value") ?? "");
            }
        }
    }

    public static IEnumerable<PatientTextUnit> Questionnaires()
    {
        foreach (var file in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "profiles"), "Questionnaire-*.json").Order(StringComparer.Ordinal))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            var root = json.RootElement;
            var source = Path.GetFileName(file);
            foreach (var unit in Texts(source, "title", root, "title"))
            {
                yield return unit;
            }

            foreach (var unit in Items(source, root))
            {
                yield return unit;
            }
        }
    }

    private static IEnumerable<PatientTextUnit> Items(string source, JsonElement parent)
    {
        if (!parent.TryGetProperty("item", out var items))
        {
            yield break;
        }

        foreach (var item in items.EnumerateArray())
        {
            if (IsHidden(item))
            {
                continue;
            }

            var linkId = item.GetProperty("linkId").GetString()!;
            foreach (var unit in Texts(source, linkId, item, "text").Concat(Texts(source, linkId + ".prefix", item, "prefix")))
            {
                yield return unit;
            }

            if (item.TryGetProperty("answerOption", out var options))
            {
                foreach (var option in options.EnumerateArray())
                {
                    if (option.TryGetProperty("valueCoding", out var coding))
                    {
                        foreach (var unit in Texts(source, $"{linkId}.option.{coding.GetProperty("code").GetString()}", coding, "display"))
                        {
                            yield return unit;
                        }
                    }
                    else
                    {
                        foreach (var unit in Texts(source, $"{linkId}.option", option, "valueString"))
                        {
                            yield return unit;
                        }
                    }
                }
            }

            foreach (var unit in Items(source, item))
            {
                yield return unit;
            }
        }
    }

    // The English value of a property and each translation of it (its "_name" element's translation extensions).
    private static IEnumerable<PatientTextUnit> Texts(string source, string key, JsonElement owner, string property)
    {
        if (owner.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String)
        {
            yield return new PatientTextUnit(source, key, "en", value.GetString()!);
        }

        if (owner.TryGetProperty("_" + property, out var element) && element.TryGetProperty("extension", out var extensions))
        {
            foreach (var translation in extensions.EnumerateArray().Where(e => e.GetProperty("url").GetString() == TranslationUrl))
            {
                var parts = translation.GetProperty("extension").EnumerateArray().ToList();
                var lang = parts.Single(p => p.GetProperty("url").GetString() == "lang").GetProperty("valueCode").GetString()!;
                var content = parts.Single(p => p.GetProperty("url").GetString() == "content").GetProperty("valueString").GetString()!;
                yield return new PatientTextUnit(source, key, lang, content);
            }
        }
    }

    private static bool IsHidden(JsonElement item)
        => item.TryGetProperty("extension", out var extensions)
           && extensions.EnumerateArray().Any(e => e.GetProperty("url").GetString() == HiddenUrl && e.TryGetProperty("valueBoolean", out var b) && b.GetBoolean());
}
