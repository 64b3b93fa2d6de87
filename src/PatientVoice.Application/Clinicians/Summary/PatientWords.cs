namespace PatientVoice.Application.Clinicians.Summary;

/// <summary>Something the patient (or someone for them) wrote, exactly as written, with who wrote it and when.</summary>
public sealed record PatientWords(string Text, Authorship Authorship);

/// <summary>An answer with the question it answers, in the summary's sections (preferences, self-knowledge).</summary>
/// <param name="Code">The code that says what it is (pv-care-preference-kind, pv-self-knowledge-kind).</param>
public sealed record LabelledWords(string Code, string Label, string Text, Authorship Authorship, ChangeKind Change, string? Before);
