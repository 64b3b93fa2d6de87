namespace PatientVoice.Application.Uptake;

/// <summary>
/// One thing counted: an invitation made, a link opened, a response submitted — when, for which patient, and its
/// categories (who answered and the door only for submissions). Ids only; never answers.
/// </summary>
public sealed record UptakeEvent(UptakeMeasure Measure, DateTimeOffset When, string Patient, string Language, string? Respondent = null, string? Channel = null);
