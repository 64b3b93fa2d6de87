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

    /// <summary>A CDS card link's <c>appContext</c>, relayed to the app in the token response; kept in codes and refresh tokens only.</summary>
    public const string AppContext = "app_context";

    /// <summary>The user's session (<see cref="UserSessions"/>) a grant was made in; kept in codes and refresh tokens only.</summary>
    public const string Session = "sandbox_session";
}
