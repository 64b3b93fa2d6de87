using PatientVoice.Web.Launch;

namespace PatientVoice.Web.Patients;

/// <summary>
/// Who a patient page is for and who is using it: the patient in context and the signed-in user (the patient, or a
/// family member acting for them, or a staff member typing with them), with their names as the EHR gives them (null when the EHR could not say).
/// </summary>
public sealed record PatientContext(SmartSession Session, string PatientReference, string UserReference, string? PatientName, string? UserName)
{
    /// <summary>Who makes a change from this page, as the use cases take it.</summary>
    public PatientVoice.Application.Actor Actor => new(PatientReference, UserReference);

    /// <summary>Opened by a one-time link (docs/adr/0029): one questionnaire, only what the link wrote, nothing from the EHR.</summary>
    public bool IsLink => Session.IsLink;

    /// <summary>
    /// A staff member launched from the EHR (a Practitioner or PractitionerRole) is typing the patient's words with them,
    /// for the patient in their launch context only (docs/adr/0030): the form, its review and the sent page, nothing else.
    /// </summary>
    public bool IsStaff => Session.Role == SessionRole.Practitioner;

    /// <summary>A family member (RelatedPerson) is filling this in for the patient.</summary>
    public bool IsFamilyMember => UserReference.StartsWith("RelatedPerson/", StringComparison.Ordinal);

    /// <summary>The Patient as the EHR gave it (the <c>patient</c> launch context of a form), or null when it could not be read.</summary>
    public Hl7.Fhir.Model.Resource? PatientResource { get; init; }

    /// <summary>The signed-in user (Patient or RelatedPerson) as the EHR gave it (the <c>user</c> launch context), or null.</summary>
    public Hl7.Fhir.Model.Resource? UserResource { get; init; }
}
