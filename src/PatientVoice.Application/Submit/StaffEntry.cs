using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Application.Submit;

/// <summary>
/// A response typed by staff for the patient (a medical assistant, an interpreter, a community health worker: issue 18,
/// docs/adr/0030), whatever the door: <c>author</c> is the staff member who entered it (a Practitioner or
/// PractitionerRole), <c>source</c> the patient who answered, who is its <c>subject</c>. The submission's Provenance then
/// names the patient as author and the staff member as enterer, as for a family member it names the family member.
/// </summary>
public static class StaffEntry
{
    /// <summary>Whether <paramref name="reference"/> names a staff member (a Practitioner or PractitionerRole).</summary>
    public static bool IsStaff(string? reference)
        => reference is not null && (reference.StartsWith("Practitioner/", StringComparison.Ordinal) || reference.StartsWith("PractitionerRole/", StringComparison.Ordinal));

    /// <summary>Whether staff typed <paramref name="response"/> (its author is a staff member).</summary>
    public static bool IsTypedByStaff(QuestionnaireResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        return IsStaff(response.Author?.Reference);
    }

    /// <summary>
    /// Refuses (422, nothing stored) a response typed by staff whose <c>source</c> names someone other than the patient
    /// it is about: staff type the patient's own words, never another person's, and never in their own name.
    /// A response without a source is the subject's words (as extraction reads it).
    /// </summary>
    /// <exception cref="UnprocessableEntityException">The source is not the subject.</exception>
    public static void Check(QuestionnaireResponse response)
    {
        if (!IsTypedByStaff(response) || response.Source?.Reference is not { Length: > 0 } source)
        {
            return;
        }

        if (!string.Equals(source, response.Subject?.Reference, StringComparison.Ordinal))
        {
            throw new UnprocessableEntityException(
                "A response typed by staff (author a Practitioner or PractitionerRole) records the patient's own words: its source must be the patient it is about (its subject).",
                "QuestionnaireResponse.source");
        }
    }
}
