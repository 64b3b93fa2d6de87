using System.Globalization;
using System.Text;
using PatientVoice.Application.Clinicians.Summary;

namespace PatientVoice.Web.Clinicians.Presentation;

/// <summary>
/// The plain-text block "Copy to note" puts on the clipboard: labelled as patient-reported, the patient's words
/// quoted unedited, with who wrote them and when. Plain text: whatever the patient typed stays text in the note.
/// </summary>
public static class CopyToNoteText
{
    public static string For(ClinicianSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var text = new StringBuilder();
        text.Append("PATIENT-REPORTED (PatientVoice, in the patient's own words, unedited)");
        if (summary.LastSubmitted is { } last)
        {
            text.Append(CultureInfo.InvariantCulture, $" - shared {last:yyyy-MM-dd}");
        }

        text.AppendLine();
        foreach (var flag in summary.SafetyFlags)
        {
            Line(text, "SAFETY FLAG: " + flag.Reason, flag.PatientWrote, flag.Authorship);
        }

        if (summary.Agenda is { Items.Count: > 0 } agenda)
        {
            text.AppendLine().AppendLine("What they want to talk about (their order):");
            foreach (var item in agenda.Items)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {item.Rank}. \"{item.Text}\"");
                text.AppendLine(item.Outcome is { } o ? $" [{o.Label}]" : string.Empty);
            }
        }

        Section(text, "Hoping for from this visit", summary.Visit.Hopes);
        Section(text, "Worried about", summary.Visit.Worries);
        Section(text, "Wants their clinician to know", summary.Visit.ClinicianShouldKnow);
        Section(text, "Changed since their last visit", summary.Visit.Changes);
        foreach (var condition in summary.SelfKnowledge)
        {
            text.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"What they know about {condition.Condition}:");
            foreach (var item in condition.Items)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {item.Label}: \"{item.Text}\"");
            }
        }

        if (summary.CarePreferences.Count > 0 || summary.Visit.DecisionStyle is not null || summary.Visit.InvolveFamily is not null)
        {
            text.AppendLine().AppendLine("Care preferences:");
            foreach (var item in summary.CarePreferences)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  {item.Label}: \"{item.Text}\"");
            }

            if (summary.Visit.DecisionStyle is { } style)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  How they like decisions made: {style.Text}");
            }

            if (summary.Visit.InvolveFamily is { } family)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  Involve family or a friend: {family.Text}");
            }
        }

        if (summary.Goals.Count > 0)
        {
            text.AppendLine().AppendLine("Their goals:");
            foreach (var goal in summary.Goals)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"  - \"{goal.Words}\" ({goal.Status})");
            }
        }

        var by = summary.Agenda?.Authorship ?? summary.Visit.Hopes.FirstOrDefault()?.Authorship ?? summary.Goals.FirstOrDefault()?.Authorship;
        if (by is not null)
        {
            text.AppendLine().AppendLine(by.Badge + ".");
        }

        return text.ToString().TrimEnd() + Environment.NewLine;
    }

    private static void Section(StringBuilder text, string heading, IReadOnlyList<PatientWords> words)
    {
        if (words.Count == 0)
        {
            return;
        }

        text.AppendLine().AppendLine(heading + ":");
        foreach (var w in words)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"  \"{w.Text}\"");
        }
    }

    private static void Line(StringBuilder text, string heading, string? words, Authorship by)
    {
        text.AppendLine().Append(heading);
        text.AppendLine(words is null ? string.Empty : $": \"{words}\" ({by.Badge})");
    }
}
