using System.Globalization;
using Hl7.Fhir.Model;

namespace PatientVoice.Web.Patients;

/// <summary>What a field of the first page is drawn as (plain HTML controls, no script).</summary>
public enum FirstPageFieldKind
{
    /// <summary>Text to read (a <c>display</c> item).</summary>
    Display,

    /// <summary>A one-line answer (<c>string</c>): one input per answer when the question repeats.</summary>
    ShortText,

    /// <summary>The patient's own words (<c>text</c>): a textarea that grows with them.</summary>
    LongText,

    /// <summary>One of the answer options (<c>choice</c>): radios.</summary>
    Choice,

    /// <summary>Yes or no (<c>boolean</c>): two radios, nothing chosen until the patient chooses.</summary>
    YesNo,

    /// <summary>A date (<c>date</c>).</summary>
    Date,

    /// <summary>A whole number (<c>integer</c>), with the questionnaire's bounds.</summary>
    Integer,

    /// <summary>A group of questions, once per repetition the answers hold (at least once).</summary>
    Group,

    /// <summary>A hidden item's value, kept as it is (e.g. the id of the Goal a carried goal already is).</summary>
    Hidden,
}

/// <summary>One answer option of a choice or yes/no question; <see cref="Value"/> is what the page's script reads back.</summary>
public sealed record FirstPageOption(string Value, string Label, bool Chosen);

/// <summary>
/// One item of the first page. <see cref="Id"/> is unique in the page (labels point at it); <see cref="Values"/> are the
/// answers the page opens with (draft or $populate), as the controls hold them; <see cref="Instances"/> are a group's
/// repetitions.
/// </summary>
public sealed record FirstPageField(
    string Id,
    string LinkId,
    FirstPageFieldKind Kind,
    string Text,
    bool Required,
    bool ReadOnly,
    bool Repeats,
    IReadOnlyList<string> Values,
    IReadOnlyList<FirstPageOption> Options,
    IReadOnlyList<IReadOnlyList<FirstPageField>> Instances,
    int? Min = null,
    int? Max = null);

/// <summary>
/// The questionnaire's first questions as plain form controls, drawn by the server in the page itself so that a patient
/// on a slow phone (or without JavaScript) sees and can answer them before LHC-Forms has arrived; wwwroot/js/patient-form.js
/// carries what they typed into LHC-Forms when it takes over (ADR 0026).
/// <para>
/// The page is the questionnaire's top-level items in order, up to the first one this simple drawing cannot show
/// faithfully: a question shown or hidden by another answer (<c>enableWhen</c>), answers from a value set, an
/// <c>initial</c> value, a type other than those of <see cref="FirstPageFieldKind"/>. Our own questionnaires are drawn
/// whole except "Before your visit", which stops at its first conditional question. The questionnaire must already be
/// in the page language (<see cref="QuestionnaireLocalizer.Localize"/>, the one source of the translations).
/// </para>
/// </summary>
public sealed class QuestionnaireFirstPage
{
    private const string HiddenExtension = "http://hl7.org/fhir/StructureDefinition/questionnaire-hidden";
    private const string MinValueExtension = "http://hl7.org/fhir/StructureDefinition/minValue";
    private const string MaxValueExtension = "http://hl7.org/fhir/StructureDefinition/maxValue";

    private int _next;

    private QuestionnaireFirstPage()
    {
    }

    /// <summary>The fields, in the questionnaire's order.</summary>
    public IReadOnlyList<FirstPageField> Fields { get; private init; } = [];

    /// <summary>The linkIds of the top-level items drawn (the page's script rebuilds their answers from the controls).</summary>
    public IReadOnlyList<string> LinkIds { get; private init; } = [];

    /// <summary>Whether every top-level item is drawn (else the rest waits for LHC-Forms).</summary>
    public bool Whole { get; private init; }

    /// <summary>
    /// The first page of <paramref name="localized"/> opened with <paramref name="response"/>'s answers (aligned to the
    /// localized options: <see cref="QuestionnaireLocalizer.AlignAnswers"/>); <paramref name="yes"/> and
    /// <paramref name="no"/> are the page's words for a yes/no question.
    /// </summary>
    public static QuestionnaireFirstPage Of(Questionnaire localized, QuestionnaireResponse response, string yes, string no)
    {
        ArgumentNullException.ThrowIfNull(localized);
        ArgumentNullException.ThrowIfNull(response);
        var builder = new QuestionnaireFirstPage();
        var fields = new List<FirstPageField>();
        var linkIds = new List<string>();
        foreach (var item in localized.Item)
        {
            if (!Drawable(item))
            {
                break;
            }

            fields.Add(builder.Field(item, response.Item.Where(r => r.LinkId == item.LinkId).ToList(), yes, no));
            linkIds.Add(item.LinkId!); // Drawable: never empty
        }

        return new QuestionnaireFirstPage { Fields = fields, LinkIds = linkIds, Whole = linkIds.Count == localized.Item.Count };
    }

    /// <summary>Whether <paramref name="item"/> and everything in it can be drawn as plain controls exactly as LHC-Forms means it.</summary>
    private static bool Drawable(Questionnaire.ItemComponent item)
    {
        if (item.EnableWhen.Count > 0 || item.Initial.Count > 0 || item.AnswerValueSet is not null || string.IsNullOrEmpty(item.LinkId))
        {
            return false;
        }

        if (IsHidden(item))
        {
            return item.Type is Questionnaire.QuestionnaireItemType.String or Questionnaire.QuestionnaireItemType.Text && item.Item.Count == 0;
        }

        return item.Type switch
        {
            Questionnaire.QuestionnaireItemType.Display => item.Item.Count == 0,
            Questionnaire.QuestionnaireItemType.Group => item.Item.Count > 0 && item.Item.All(Drawable),
            Questionnaire.QuestionnaireItemType.String or Questionnaire.QuestionnaireItemType.Text
                or Questionnaire.QuestionnaireItemType.Date or Questionnaire.QuestionnaireItemType.Integer => item.Item.Count == 0,
            Questionnaire.QuestionnaireItemType.Boolean => item.Item.Count == 0 && item.Repeats != true,
            Questionnaire.QuestionnaireItemType.Choice => item.Item.Count == 0 && item.Repeats != true && item.AnswerOption.Count > 0
                && item.AnswerOption.All(o => o.Value is Coding or FhirString),
            _ => false,
        };
    }

    private static bool IsHidden(Questionnaire.ItemComponent item)
        => item.GetExtension(HiddenExtension)?.Value is FhirBoolean { Value: true };

    private FirstPageField Field(Questionnaire.ItemComponent item, IReadOnlyList<QuestionnaireResponse.ItemComponent> answered, string yes, string no)
    {
        var id = "pv-first-" + (++_next).ToString(CultureInfo.InvariantCulture);
        var text = string.Join(' ', new[] { item.Prefix, item.Text }.Where(t => !string.IsNullOrWhiteSpace(t)));
        var linkId = item.LinkId ?? "";
        var answers = answered.SelectMany(r => r.Answer).Select(a => a.Value).OfType<DataType>().ToList();
        var required = item.Required == true;
        var readOnly = item.ReadOnly == true;
        var repeats = item.Repeats == true;
        if (IsHidden(item))
        {
            return new(id, linkId, FirstPageFieldKind.Hidden, text, required, readOnly, repeats, Strings(answers), [], []);
        }

        switch (item.Type)
        {
            case Questionnaire.QuestionnaireItemType.Display:
                return new(id, linkId, FirstPageFieldKind.Display, text, false, true, false, [], [], []);
            case Questionnaire.QuestionnaireItemType.Group:
                // A repeating group shows each repetition the answers hold; a group shows once even with nothing in it.
                var repetitions = answered.Count == 0 ? [new QuestionnaireResponse.ItemComponent { LinkId = item.LinkId }] : answered;
                var instances = repetitions
                    .Take(repeats ? int.MaxValue : 1)
                    .Select(r => (IReadOnlyList<FirstPageField>)item.Item.Select(child => Field(child, r.Item.Where(c => c.LinkId == child.LinkId).ToList(), yes, no)).ToList())
                    .ToList();
                return new(id, linkId, FirstPageFieldKind.Group, text, required, readOnly, repeats, [], [], instances);
            case Questionnaire.QuestionnaireItemType.Boolean:
                var chosen = answers.OfType<FhirBoolean>().FirstOrDefault()?.Value;
                return new(id, linkId, FirstPageFieldKind.YesNo, text, required, readOnly, false, [],
                    [new("true", yes, chosen == true), new("false", no, chosen == false)], []);
            case Questionnaire.QuestionnaireItemType.Choice:
                var options = item.AnswerOption.Select((option, index) => new FirstPageOption(
                    index.ToString(CultureInfo.InvariantCulture),
                    option.Value is Coding coding ? coding.Display ?? coding.Code ?? "" : ((FhirString)option.Value).Value ?? "",
                    answers.Any(a => Same(a, option.Value)))).ToList();
                return new(id, linkId, FirstPageFieldKind.Choice, text, required, readOnly, false, [], options, []);
            case Questionnaire.QuestionnaireItemType.Date:
                // A full date only: an input of type date cannot hold "2027" or "2027-03" (LHC-Forms keeps those).
                var dates = answers.OfType<Date>().Select(d => d.Value).OfType<string>().Where(d => d.Length == 10).ToList();
                return new(id, linkId, FirstPageFieldKind.Date, text, required, readOnly, repeats, dates, [], []);
            case Questionnaire.QuestionnaireItemType.Integer:
                var numbers = answers.OfType<Integer>().Select(i => i.Value).OfType<int>().Select(i => i.ToString(CultureInfo.InvariantCulture)).ToList();
                return new(id, linkId, FirstPageFieldKind.Integer, text, required, readOnly, repeats, numbers, [], [],
                    (item.GetExtension(MinValueExtension)?.Value as Integer)?.Value, (item.GetExtension(MaxValueExtension)?.Value as Integer)?.Value);
            default:
                var kind = item.Type == Questionnaire.QuestionnaireItemType.Text ? FirstPageFieldKind.LongText : FirstPageFieldKind.ShortText;
                return new(id, linkId, kind, text, required, readOnly, repeats, Strings(answers), [], []);
        }
    }

    private static List<string> Strings(IEnumerable<DataType> answers)
        => answers.OfType<FhirString>().Select(s => s.Value).OfType<string>().ToList();

    private static bool Same(DataType answer, DataType option) => (answer, option) switch
    {
        (Coding a, Coding o) => a.System == o.System && a.Code == o.Code,
        (FhirString a, FhirString o) => a.Value == o.Value,
        _ => false,
    };
}
