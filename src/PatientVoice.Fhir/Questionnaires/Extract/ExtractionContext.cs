using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Questionnaires.Extract;

/// <summary>Who filled in the form, as the "Who is filling this in?" answer and the session say.</summary>
public enum Respondent
{
    /// <summary>The patient, on their own.</summary>
    Patient,

    /// <summary>A family member or friend (a RelatedPerson), for the patient.</summary>
    RelatedPerson,

    /// <summary>The patient, helped by staff.</summary>
    PatientHelpedByStaff,
}

/// <summary>
/// What the extractor needs beyond the response: who answered, the response's own reference (the caller assigns the id
/// before extracting), who helped (staff, when the session knows them) and a clock for Provenance.recorded.
/// </summary>
public sealed record ExtractionContext(
    string ResponseId,
    ResourceReference Author,
    Respondent Respondent,
    TimeProvider Clock)
{
    /// <summary>The staff member who helped, when the session knows them (a Practitioner or PractitionerRole).</summary>
    public ResourceReference? StaffHelper { get; init; }

    /// <summary>The response version being submitted, when known: makes the Provenance conditional (a retry adds none).</summary>
    public string? ResponseVersionId { get; init; }

    public string ResponseReference => $"QuestionnaireResponse/{ResponseId}";

    /// <summary>
    /// Reads who answered from the response: the <c>respondent</c> answer of "Before your visit" when there is one,
    /// otherwise the type of <c>author</c>. The author is the response's author when that is a Patient or RelatedPerson;
    /// when staff typed for the patient (author a Practitioner or PractitionerRole) it is the source (else the subject),
    /// and the staff member becomes the <see cref="StaffHelper"/> unless <paramref name="staffHelper"/> names one.
    /// </summary>
    public static ExtractionContext For(QuestionnaireResponse response, TimeProvider? clock = null, ResourceReference? staffHelper = null)
    {
        ArgumentNullException.ThrowIfNull(response);
        var responseId = response.Id is { Length: > 0 } id
            ? id
            : throw new ArgumentException("Assign the response an id before extracting: the extracted identifiers derive from it.", nameof(response));

        var author = response.Author is { Reference: { } a } && (a.StartsWith("Patient/", StringComparison.Ordinal) || a.StartsWith("RelatedPerson/", StringComparison.Ordinal))
            ? response.Author
            : response.Source ?? response.Subject ?? response.Author ?? new ResourceReference();

        if (staffHelper is null && response.Author?.Reference is { } typedBy
            && (typedBy.StartsWith("Practitioner/", StringComparison.Ordinal) || typedBy.StartsWith("PractitionerRole/", StringComparison.Ordinal)))
        {
            staffHelper = response.Author;
        }

        var answered = RespondentAnswer(response.Item);
        var respondent = answered switch
        {
            "family-or-friend" => Respondent.RelatedPerson,
            "self-with-staff-help" => Respondent.PatientHelpedByStaff,
            "self" => Respondent.Patient,
            _ when author.Reference?.StartsWith("RelatedPerson/", StringComparison.Ordinal) == true => Respondent.RelatedPerson,
            _ when staffHelper is not null => Respondent.PatientHelpedByStaff,
            _ => Respondent.Patient,
        };

        return new ExtractionContext(responseId, (ResourceReference)author.DeepCopy(), respondent, clock ?? TimeProvider.System)
        {
            StaffHelper = (ResourceReference?)staffHelper?.DeepCopy(),
            ResponseVersionId = response.Meta?.VersionId,
        };
    }

    internal const string RespondentLinkId = "respondent";

    private static string? RespondentAnswer(IEnumerable<QuestionnaireResponse.ItemComponent> items) =>
        items.FirstOrDefault(i => i.LinkId == RespondentLinkId)?.Answer.Select(a => a.Value).OfType<Coding>().FirstOrDefault()?.Code;
}
