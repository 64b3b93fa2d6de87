namespace PatientVoice.Web.Launch;

/// <summary>Who is using a page, from the SMART launch's <c>fhirUser</c>.</summary>
public enum SessionRole
{
    /// <summary>The patient themself (<c>fhirUser</c> Patient/…).</summary>
    Patient,

    /// <summary>A family member acting for the patient (<c>fhirUser</c> RelatedPerson/…).</summary>
    RelatedPerson,

    /// <summary>A clinician or staff member (<c>fhirUser</c> Practitioner/… or PractitionerRole/…).</summary>
    Practitioner,
}

/// <summary>
/// What a SMART launch established for one browser: held on the server only (tokens never reach the browser),
/// found through an opaque, HttpOnly session cookie. Ids are as the EHR names them, so
/// <c>Patient/{Patient}</c> is the reference PatientVoice stores in <c>subject</c>.
/// </summary>
public sealed record SmartSession
{
    /// <summary>Opaque session id (the cookie's value is derived from it; never logged with patient data).</summary>
    public required string Id { get; init; }

    /// <summary>The name of the configured EHR the launch came from (<c>Smart:Ehrs:{n}:Name</c>).</summary>
    public required string Ehr { get; init; }

    /// <summary>The EHR's FHIR base URL (the launch's <c>iss</c>, the token's <c>aud</c>).</summary>
    public required Uri FhirBaseUrl { get; init; }

    /// <summary>The patient in context (token response <c>patient</c>), e.g. <c>maria-garcia</c>.</summary>
    public string? Patient { get; init; }

    /// <summary>The encounter in context (token response <c>encounter</c>).</summary>
    public string? Encounter { get; init; }

    /// <summary>The signed-in user as a relative reference, e.g. <c>Patient/maria-garcia</c>, <c>RelatedPerson/lucia-garcia</c>, <c>Practitioner/dr-patel</c>.</summary>
    public string? FhirUser { get; init; }

    /// <summary>Token response <c>fhirContext</c> references, e.g. <c>Questionnaire/…</c> or <c>Appointment/appt-…</c>.</summary>
    public IReadOnlyList<string> FhirContext { get; init; } = [];

    /// <summary>Token response <c>appContext</c>: the CDS card's SMART link named what it is about (<see cref="LaunchDestinations"/>).</summary>
    public string? AppContext { get; init; }

    /// <summary>Token response <c>need_patient_banner</c>.</summary>
    public bool NeedPatientBanner { get; init; }

    /// <summary>Token response <c>smart_style_url</c>.</summary>
    public string? SmartStyleUrl { get; init; }

    /// <summary>The scopes granted (space-separated).</summary>
    public string Scope { get; init; } = "";

    /// <summary>
    /// The invitation (its Task id) of a session opened by a one-time link instead of a SMART launch (docs/adr/0029):
    /// no EHR token, one patient, one questionnaire, and only what the link wrote; null for a SMART launch.
    /// </summary>
    public string? Invitation { get; init; }

    /// <summary>The canonical URL of the one questionnaire a link session may open.</summary>
    public string? InvitationQuestionnaire { get; init; }

    /// <summary>The patient's preferred language as the invitation gave it (<c>en</c>, <c>es</c>); a SMART launch reads it from the EHR.</summary>
    public string? PreferredLanguage { get; init; }

    /// <summary>Opened by a one-time link (<see cref="Invitation"/>).</summary>
    public bool IsLink => Invitation is not null;

    public SessionRole Role => FhirUser switch
    {
        not null when FhirUser.StartsWith("RelatedPerson/", StringComparison.Ordinal) => SessionRole.RelatedPerson,
        not null when FhirUser.StartsWith("Practitioner", StringComparison.Ordinal) => SessionRole.Practitioner,
        _ => SessionRole.Patient,
    };

    /// <summary><c>Patient/{Patient}</c>, or null when no patient is in context.</summary>
    public string? PatientReference => Patient is null ? null : "Patient/" + Patient;
}
