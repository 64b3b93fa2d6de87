namespace PatientVoice.Web.Launch;

/// <summary>
/// Authorization policy names for pages. Pages are authenticated by the SMART session cookie
/// (<see cref="CookieScheme"/>), never by the bearer tokens of the FHIR API.
/// </summary>
public static class SmartSessionPolicies
{
    /// <summary>The cookie authentication scheme of page sessions.</summary>
    public const string CookieScheme = "SmartSession";

    /// <summary>
    /// A patient, a family member acting for them, or a staff member answering with them (a practitioner launched with
    /// the patient in context; the pages let staff reach the form only: docs/adr/0030). A patient is in context.
    /// </summary>
    public const string Patient = "PatientSession";

    /// <summary>A practitioner launched from the EHR.</summary>
    public const string Clinician = "ClinicianSession";
}
