using PatientVoice.Web.Launch;

namespace PatientVoice.Web.Patients;

/// <summary>
/// Who a patient page is for and who is using it: the patient in context and the signed-in user (the patient, or a
/// family member acting for them), with their names as the EHR gives them (null when the EHR could not say).
/// </summary>
public sealed record PatientContext(SmartSession Session, string PatientReference, string UserReference, string? PatientName, string? UserName)
{
    /// <summary>A family member (RelatedPerson) is filling this in for the patient.</summary>
    public bool IsFamilyMember => UserReference.StartsWith("RelatedPerson/", StringComparison.Ordinal);
}
