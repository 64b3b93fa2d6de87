using PatientVoice.Application.Clinicians.Summary;
using PatientVoice.Application.EhrSync;

namespace PatientVoice.Web.Patients;

/// <summary>Whether the care team has read a submission.</summary>
public enum SharedItemRead
{
    /// <summary>No clinician has said so yet.</summary>
    NotYet,

    /// <summary>A clinician read it as it stands.</summary>
    Read,

    /// <summary>A clinician read an earlier version; the patient changed it since.</summary>
    EarlierVersion,
}

/// <summary>
/// One thing the patient shared, as their home page tells them what became of it: read by the care team (when, and
/// who as the EHR names them), the outcome of each topic on its agenda, and whether it is in their medical record.
/// </summary>
/// <param name="Questionnaire">The questionnaire answered (null when it is no longer offered).</param>
/// <param name="ResponseId">The QuestionnaireResponse id (an anchor on the page, never logged with words).</param>
/// <param name="SharedAt">When its current version was shared.</param>
/// <param name="ReadBy">The clinician's name, when the EHR gives one.</param>
/// <param name="Agenda">Its agenda topics in the patient's words and order with what the clinician recorded (empty when it has none).</param>
/// <param name="Record">The write-back to the EHR (null when write-back is off).</param>
public sealed record SharedItem(
    PatientQuestionnaire? Questionnaire,
    string ResponseId,
    DateTimeOffset SharedAt,
    SharedItemRead Read,
    DateTimeOffset? ReadOn,
    string? ReadBy,
    IReadOnlyList<AgendaItemView> Agenda,
    EhrSyncStatus? Record)
{
    /// <summary>True when the clinician recorded an outcome for at least one topic.</summary>
    public bool HasAgendaOutcomes => Agenda.Any(a => a.Outcome is not null);
}
