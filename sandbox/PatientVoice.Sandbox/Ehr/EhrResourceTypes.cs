namespace PatientVoice.Sandbox.Ehr;

/// <summary>
/// The resource types the sandbox EHR stores and serves: the EHR's own record plus what PatientVoice writes
/// back. Handed to the search registry, so PatientVoice.Fhir's SupportedResourceTypes (PatientVoice's own
/// types) stays as it is.
/// </summary>
public static class EhrResourceTypes
{
    public static readonly IReadOnlyList<string> All =
    [
        "Patient", "RelatedPerson", "Practitioner", "Encounter", "Appointment", "Condition", "DocumentReference",
        "Goal", "QuestionnaireResponse", "Observation", "Provenance",
    ];

    /// <summary>Types a client may create here (the write-back of PatientVoice).</summary>
    public static readonly IReadOnlySet<string> Writable = new HashSet<string>(StringComparer.Ordinal)
    {
        "Goal", "QuestionnaireResponse", "Observation", "DocumentReference", "Provenance",
    };

    private static readonly HashSet<string> Lookup = new(All, StringComparer.Ordinal);

    public static bool IsServed(string resourceType) => Lookup.Contains(resourceType);
}
