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
    /// <summary>The badge text a clinician reads.</summary>
    public string Badge => By switch
    {
        WrittenBy.FamilyMember => "Written by a family member for the patient",
        WrittenBy.PatientHelpedByStaff => "Written by the patient, helped by staff",
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
