namespace PatientVoice.Application.Clinicians.Summary;

/// <summary>How an item compares with the patient's previous submission of the same form.</summary>
public enum ChangeKind
{
    /// <summary>No previous submission to compare with, or the same as before.</summary>
    None,

    /// <summary>Not in the previous submission.</summary>
    New,

    /// <summary>In the previous submission in other words (<see cref="SummaryChange.Before"/>).</summary>
    Changed,

    /// <summary>In the previous submission, not in this one.</summary>
    NoLongerMentioned,
}

/// <summary>One change since the previous submission, for the "What changed" list.</summary>
/// <param name="Area">Goals, Care preferences or What they know about their condition.</param>
/// <param name="Label">What the item is ("How I like information", "Epilepsy: early warning signs", "Goal").</param>
public sealed record SummaryChange(string Area, string Label, ChangeKind Kind, string? Before, string? After);
