namespace PatientVoice.Application;

/// <summary>
/// Who makes a change on a page: the patient it is about and the signed-in user, the patient themself or a family
/// member (RelatedPerson) acting for them. References as the EHR names them (<c>Patient/123</c>).
/// </summary>
public sealed record Actor(string PatientReference, string UserReference)
{
    /// <summary>A family member (RelatedPerson) acts for the patient.</summary>
    public bool IsFamilyMember => UserReference.StartsWith("RelatedPerson/", StringComparison.Ordinal);
}
