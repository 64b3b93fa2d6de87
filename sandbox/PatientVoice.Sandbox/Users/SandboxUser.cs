namespace PatientVoice.Sandbox.Users;

/// <summary>Who can sign in to the sandbox EHR.</summary>
public enum SandboxUserKind
{
    Patient,
    RelatedPerson,
    Practitioner,
}

/// <summary>
/// A sandbox login: <paramref name="Login"/> is what the login page and <c>sandbox_user</c> use;
/// <paramref name="FhirUser"/> is the resource the user is (the <c>fhirUser</c> claim);
/// <paramref name="PatientId"/> is the patient whose record the user sees in patient context (their own,
/// or the one a family member acts for); null for practitioners.
/// </summary>
public sealed record SandboxUser(string Login, string DisplayName, SandboxUserKind Kind, string FhirUser, string? PatientId);
