using PatientVoice.Application.Goals;
using System.Globalization;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Localization;
using PdfSharp.Drawing;
using PdfSharp.Pdf;

using PatientVoice.Web.Presentation;

namespace PatientVoice.Web.Patients.MyCopy;

/// <summary>
/// "My copy" as a PDF, from the same <see cref="MyCopyContent"/> as the page and with the page's words
/// (<see cref="PatientText"/>, in the page language): a header on every page with the patient's name and the date
/// printed, a line saying what this is and that the words are the patient's own, the goals, preferences, what they
/// know about their conditions and every submission's answers, family members labelled where they wrote, and
/// "page n of N". The text is real text (selectable, searchable) in an embedded font (<see cref="EmbeddedFontResolver"/>).
/// The whole file is made in memory, so a failure never sends half a PDF.
/// </summary>
public sealed partial class MyCopyPdf(IStringLocalizer<PatientText> T, ILogger<MyCopyPdf> logger)
{
    private static readonly XBrush Muted = new XSolidBrush(XColor.FromArgb(0x44, 0x44, 0x44));
    private static readonly XBrush Brand = new XSolidBrush(XColor.FromArgb(0x1d, 0x4e, 0x89));

    static MyCopyPdf() => EmbeddedFontResolver.Register();

    /// <summary>The file name offered for download: no name of the patient in it, only what it is and the day.</summary>
    public string FileName(MyCopyContent copy)
        => $"{T["PdfFileName"].Value}-{copy.TimeZone.Local(copy.PrintedAt).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.pdf";

    public byte[] Render(MyCopyContent copy)
    {
        ArgumentNullException.ThrowIfNull(copy);
        var fonts = new Fonts();
        using var document = new PdfDocument();
        document.Language = PatientText.Language;
        document.Info.Title = T["MyCopyTitle"];
        document.Info.Creator = "PatientVoice";
        document.Info.CreationDate = copy.PrintedAt.UtcDateTime;
        var name = copy.PatientName ?? T["PatientFallback"];

        using (var flow = new PdfTextFlow(document))
        {
            flow.Paragraph(Printable(T["MyCopyTitle"], fonts.Title), fonts.Title, brush: Brand);
            flow.Paragraph(Printable(T["PdfWhatThisIs"], fonts.Body), fonts.Body, spaceBefore: 4);
            flow.Paragraph(Printable(T["MyCopyIntro", name, PatientText.Date(copy.TimeZone.Local(copy.PrintedAt))], fonts.Body), fonts.Body, spaceBefore: 4);

            Section(flow, fonts, T["GoalsTitle"], copy.Goals.Count == 0);
            foreach (var goal in copy.Goals)
            {
                Goal(flow, fonts, goal);
            }

            Section(flow, fonts, T["PreferencesTitle"], copy.Preferences.Count == 0);
            Statements(flow, fonts, copy.Preferences, copy.TimeZone);
            Section(flow, fonts, T["ConditionsTitle"], copy.SelfKnowledge.Count == 0);
            Statements(flow, fonts, copy.SelfKnowledge, copy.TimeZone);

            Section(flow, fonts, T["MyCopyAnswers"], copy.Submissions.Count == 0);
            foreach (var submission in copy.Submissions)
            {
                Submission(flow, fonts, submission, copy.TimeZone);
            }

            var header = Printable($"{T["MyCopyTitle"]} — {name}", fonts.SmallBold);
            var printed = Printable(T["PdfPrinted", PatientText.Date(copy.TimeZone.Local(copy.PrintedAt))], fonts.Small);
            flow.Finish((graphics, page, pages, size) =>
            {
                var left = PdfTextFlow.Margin;
                var right = size.Width - PdfTextFlow.Margin;
                graphics.DrawString(header, fonts.SmallBold, XBrushes.Black, new XPoint(left, PdfTextFlow.Margin), XStringFormats.TopLeft);
                graphics.DrawString(printed, fonts.Small, Muted, new XPoint(right, PdfTextFlow.Margin), XStringFormats.TopRight);
                graphics.DrawLine(new XPen(XColors.Gray, 0.5), left, PdfTextFlow.Margin + 16, right, PdfTextFlow.Margin + 16);
                var footer = Printable(T["PdfPage", page, pages], fonts.Small);
                graphics.DrawString(footer, fonts.Small, Muted, new XPoint(size.Width / 2, size.Height - PdfTextFlow.Margin), XStringFormats.BottomCenter);
            });
        }

        var pages = document.PageCount;
        using var output = new MemoryStream();
        document.Save(output, closeStream: false);
        LogRendered(pages, output.Length);
        return output.ToArray();
    }

    private void Section(PdfTextFlow flow, Fonts fonts, string title, bool empty)
    {
        flow.Space(14);
        flow.Paragraph(Printable(title, fonts.Heading), fonts.Heading, brush: Brand, keepWithNext: fonts.Body.GetHeight() * 2);
        flow.Rule(3);
        if (empty)
        {
            flow.Paragraph(Printable(T["NothingYet"], fonts.Body), fonts.Body, brush: Muted);
        }
    }

    private void Goal(PdfTextFlow flow, Fonts fonts, Goal goal)
    {
        flow.Paragraph(Printable(goal.Description?.Text, fonts.Bold), fonts.Bold, spaceBefore: 8);
        if (PatientGoals.WhyOf(goal) is { } why)
        {
            flow.Paragraph(Printable($"{T["GoalWhyShort"]} {why}", fonts.Body), fonts.Body, indent: 12);
        }

        var status = goal.LifecycleStatus switch
        {
            Hl7.Fhir.Model.Goal.GoalLifecycleStatus.Completed => T["GoalStatusAchieved"],
            Hl7.Fhir.Model.Goal.GoalLifecycleStatus.Cancelled => T["GoalStatusNoLonger"],
            Hl7.Fhir.Model.Goal.GoalLifecycleStatus.Proposed => T["GoalStatusProposed"],
            _ => T["GoalStatusActive"],
        };
        var meta = IsFamily(goal.ExpressedBy?.Reference) ? $"{status} · {T["AddedByFamily"]}" : status.Value;
        flow.Paragraph(Printable(meta, fonts.Small), fonts.Small, indent: 12, brush: Muted);
    }

    private void Statements(PdfTextFlow flow, Fonts fonts, IReadOnlyList<PatientStatement> statements, ReaderTimeZone zone)
    {
        foreach (var statement in statements)
        {
            var kind = T["Kind_" + statement.Kind] is { ResourceNotFound: false } label ? label.Value : statement.KindDisplay;
            flow.Paragraph(Printable(kind, fonts.Bold), fonts.Bold, spaceBefore: 8, keepWithNext: fonts.Body.GetHeight());
            flow.Paragraph(Printable(statement.Text, fonts.Body), fonts.Body, indent: 12);
            var meta = new List<string>();
            if (statement.When is { } when)
            {
                meta.Add(PatientText.Date(statement.WhenIsDate ? when : zone.Local(when)));
            }

            if (IsFamily(statement.By))
            {
                meta.Add(T["AddedByFamily"]);
            }

            if (meta.Count > 0)
            {
                flow.Paragraph(Printable(string.Join(" · ", meta), fonts.Small), fonts.Small, indent: 12, brush: Muted);
            }
        }
    }

    private void Submission(PdfTextFlow flow, Fonts fonts, SharedAnswers submission, ReaderTimeZone zone)
    {
        flow.Paragraph(Printable($"{submission.Title} — {PatientText.Date(zone.Local(submission.When), withTime: true)} {zone.Name}", fonts.SubHeading), fonts.SubHeading, spaceBefore: 12, keepWithNext: fonts.Body.GetHeight() * 2);
        if (submission.ByFamily)
        {
            flow.Paragraph(Printable(T["FilledInByFamily"], fonts.Bold), fonts.Bold, brush: Brand);
        }

        foreach (var answer in submission.Answers)
        {
            var indent = Math.Min(answer.Depth, 4) * 12;
            flow.Paragraph(Printable(answer.Question, fonts.Bold), fonts.Bold, indent: indent, spaceBefore: 6, keepWithNext: answer.Answers.Count > 0 ? fonts.Body.GetHeight() : 0);
            foreach (var text in answer.Answers)
            {
                flow.Paragraph(Printable(text, fonts.Body), fonts.Body, indent: indent + 12);
            }
        }
    }

    private static bool IsFamily(string? reference) => reference?.StartsWith("RelatedPerson/", StringComparison.Ordinal) == true;

    private static string Printable(string? text, XFont font) => PrintableText.For(text?.Trim(), font);

    /// <summary>The faces and sizes of the document.</summary>
    private sealed class Fonts
    {
        public XFont Title { get; } = new(EmbeddedFontResolver.Family, 20, XFontStyleEx.Bold);

        public XFont Heading { get; } = new(EmbeddedFontResolver.Family, 15, XFontStyleEx.Bold);

        public XFont SubHeading { get; } = new(EmbeddedFontResolver.Family, 12, XFontStyleEx.Bold);

        public XFont Body { get; } = new(EmbeddedFontResolver.Family, 11, XFontStyleEx.Regular);

        public XFont Bold { get; } = new(EmbeddedFontResolver.Family, 11, XFontStyleEx.Bold);

        public XFont Small { get; } = new(EmbeddedFontResolver.Family, 9, XFontStyleEx.Regular);

        public XFont SmallBold { get; } = new(EmbeddedFontResolver.Family, 9, XFontStyleEx.Bold);
    }

    [LoggerMessage(EventId = 6040, Level = LogLevel.Information, Message = "My copy PDF made: {Pages} pages, {Bytes} bytes")]
    private partial void LogRendered(int pages, long bytes);
}
