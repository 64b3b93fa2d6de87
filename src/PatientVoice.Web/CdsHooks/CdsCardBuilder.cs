using System.Globalization;
using PatientVoice.Application.Clinicians.Summary;
using PatientVoice.Web.Launch;

namespace PatientVoice.Web.CdsHooks;

/// <summary>
/// The one card PatientVoice shows, only when there is something to see: "Shared what matters to them before
/// today's visit: 2 goals, 1 worry", with a SMART link that opens the clinician summary. Counts, never the
/// patient's words: the card is shown in the EHR's own frame, the words belong on the summary.
/// </summary>
public static class CdsCardBuilder
{
    /// <summary>The <c>appContext</c> the SMART link carries: PatientVoice opens the clinician summary.</summary>
    public const string SummaryAppContext = LaunchDestinations.ClinicianSummary;

    /// <summary>
    /// What the card is about, as the SMART link's <c>appContext</c>: the safety flags when there are any (the card's
    /// warning), else the agenda (what they want to talk about), else the summary as a whole.
    /// </summary>
    public static string AppContextFor(ClinicianSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return summary.SafetyFlags.Count > 0 ? LaunchDestinations.ClinicianSummaryAt("safety")
            : summary.Agenda?.Items.Count > 0 ? LaunchDestinations.ClinicianSummaryAt("agenda")
            : SummaryAppContext;
    }

    public static CdsCard? For(ClinicianSummary summary, string hook, Uri launchUrl)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var parts = new List<string>();
        Add(parts, summary.SafetyFlags.Count, "safety flag", "safety flags");
        Add(parts, summary.OpenGoalCount, "goal", "goals");
        Add(parts, summary.WorryCount, "worry", "worries");
        Add(parts, summary.Agenda?.Items.Count ?? 0, "topic to talk about", "topics to talk about");
        Add(parts, summary.Visit.Hopes.Count, "hope", "hopes");
        Add(parts, summary.SelfKnowledge.Sum(c => c.Items.Count), "thing they know about their condition", "things they know about their condition");
        Add(parts, summary.CarePreferences.Count, "care preference", "care preferences");
        if (!summary.HasAnything || parts.Count == 0)
        {
            return null;
        }

        var when = hook == "appointment-book" ? "before their visit" : "before today's visit";
        var text = $"Shared what matters to them {when}: {string.Join(", ", parts)}";
        if (text.Length > 140)
        {
            text = $"Shared what matters to them {when}: {string.Join(", ", parts.Take(3))}";
        }

        return new CdsCard(
            Guid.NewGuid().ToString(),
            text[..Math.Min(text.Length, 140)],
            summary.SafetyFlags.Count > 0 ? "warning" : "info",
            new CdsSource("PatientVoice"),
            [new CdsLink("Read it in their own words", launchUrl.AbsoluteUri, "smart", AppContextFor(summary))])
        {
            Detail = summary.ReadSinceLastSubmission ? "A clinician has already marked this as read." : null,
        };
    }

    private static void Add(List<string> parts, int count, string one, string many)
    {
        if (count > 0)
        {
            parts.Add(count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? one : many));
        }
    }
}
