namespace PatientVoice.Application.Clinicians.Summary;

/// <summary>Who put something into words: the patient, a family member for them, or the patient with staff typing.</summary>
public enum WrittenBy
{
    Patient,
    FamilyMember,
    PatientHelpedByStaff,
}

/// <summary>
/// Who wrote a part of the summary and when, from the submission's Provenance (agent author, and an enterer when
/// staff helped) or, without one, from the response's author and "Who is filling this in?" answer.
/// </summary>
/// <param name="Who">The author's reference as the EHR names them (<c>RelatedPerson/lucia-garcia</c>); names live in the EHR.</param>
public sealed record Authorship(WrittenBy By, string? Who, DateTimeOffset? When)
{
    /// <summary>
    /// The staff member who typed the patient's words (the Provenance's <c>enterer</c>, else the response's Practitioner
    /// author), as a reference (<c>Practitioner/ma-rivera</c>); null when nobody helped or the record does not say who.
    /// </summary>
    public string? HelpedBy { get; init; }

    /// <summary>The name the record itself gives the staff member (the reference's display), when it gives one.</summary>
    public string? HelpedByDisplay { get; init; }

    /// <summary>The badge text a clinician reads.</summary>
    public string Badge => BadgeWith(null);

    /// <summary>The badge text, naming the staff member who helped when <paramref name="helperName"/> (or the record) gives a name.</summary>
    public string BadgeWith(string? helperName) => By switch
    {
        WrittenBy.FamilyMember => "Written by a family member for the patient",
        WrittenBy.PatientHelpedByStaff when (helperName ?? HelpedByDisplay) is { Length: > 0 } name => $"Answered with help from {name}",
        WrittenBy.PatientHelpedByStaff => "Answered with help from staff",
        _ => "Written by the patient",
    };

    /// <summary>A short css-friendly name of <see cref="By"/>.</summary>
    public string Kind => By switch
    {
        WrittenBy.FamilyMember => "family",
        WrittenBy.PatientHelpedByStaff => "staff-helped",
        _ => "patient",
    };
}
