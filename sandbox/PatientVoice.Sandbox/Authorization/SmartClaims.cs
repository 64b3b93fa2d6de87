namespace PatientVoice.Sandbox.Authorization;

/// <summary>Claim and parameter names of the SMART launch context.</summary>
public static class SmartClaims
{
    public const string FhirUser = "fhirUser";
    public const string Patient = "patient";
    public const string Encounter = "encounter";

    /// <summary>The fhirContext array as JSON; kept in codes and refresh tokens only.</summary>
    public const string FhirContext = "fhir_context";
    public const string NeedPatientBanner = "need_patient_banner";

    /// <summary>The user's session (<see cref="UserSessions"/>) a grant was made in; kept in codes and refresh tokens only.</summary>
    public const string Session = "sandbox_session";
}
