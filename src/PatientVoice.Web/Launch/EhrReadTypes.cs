using PatientVoice.Smart.Launch;

namespace PatientVoice.Web.Launch;

/// <summary>
/// The resource types PatientVoice reads from an EHR with a session's token (<see cref="IEhrFhirClient"/>), per
/// audience: the default launch scopes name exactly these (<see cref="LaunchScopes.Default"/>), nothing wider.
/// A page that reads another type must add it here, or the launch does not ask for it and the read is not made
/// (tests/PatientVoice.Web.Tests/Launch/EhrReadScopeTests walks every page through a recording client to check).
/// </summary>
public static class EhrReadTypes
{
    /// <summary>
    /// Patient pages: the patient and the signed-in user (Patient or RelatedPerson; names and preferred language),
    /// the next visit (Appointment, and its Practitioner's name), and pre-filling forms (Encounter, Condition).
    /// </summary>
    public static readonly IReadOnlyList<string> Patient = ["Patient", "RelatedPerson", "Practitioner", "Appointment", "Encounter", "Condition"];

    /// <summary>
    /// Clinician pages: the clinic list (Appointment), the patient banner (Patient), and the clinician's own name for
    /// what they record (Practitioner: the patient reads "Dr. Priya Patel", not a record id).
    /// </summary>
    public static readonly IReadOnlyList<string> Clinician = ["Patient", "Appointment", "Practitioner"];

    public static IReadOnlyList<string> For(LaunchAudience audience) => audience == LaunchAudience.Patient ? Patient : Clinician;
}
