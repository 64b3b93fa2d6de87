namespace PatientVoice.Fhir.Conformance;

/// <summary>
/// The FHIR resource types PatientVoice stores and serves. Adding a type to the API, the store, the
/// search index and the CapabilityStatement is this one line.
/// </summary>
public static class SupportedResourceTypes
{
    public static readonly IReadOnlyList<string> All =
    [
        "Questionnaire",
        "QuestionnaireResponse",
        "Goal",
        "Observation",
        "DocumentReference",
        "Provenance",
        "List",
        // Task: agenda outcomes (docs/adr/0011) and the write-back status to the EHR, one per submission (docs/adr/0015).
        "Task",
        "Communication",
        "AuditEvent",
        // Group: cohorts of patients (e.g. the patients of a clinic) for Bulk Data Group/[id]/$export (docs/adr/0022).
        "Group",
        // Topic-based subscriptions (R4 backport, docs/adr/0023): the subscriptions, and the topics we publish as Basic.
        "Subscription",
        "Basic",
    ];

    private static readonly HashSet<string> Lookup = new(All, StringComparer.Ordinal);

    public static bool IsSupported(string resourceType) => Lookup.Contains(resourceType);
}
