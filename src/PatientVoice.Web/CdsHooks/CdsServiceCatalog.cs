namespace PatientVoice.Web.CdsHooks;

/// <summary>One CDS service as discovery describes it (CDS Hooks 2.0 §Discovery).</summary>
public sealed record CdsServiceDescription(
    string Hook,
    string Id,
    string Title,
    string Description,
    IReadOnlyDictionary<string, string> Prefetch,
    string? UsageRequirements = null);

/// <summary>The services PatientVoice offers: one card, "the patient shared what matters to them", on opening a chart and on booking.</summary>
public static class CdsServiceCatalog
{
    public const string PatientViewId = "patientvoice-patient-view";
    public const string AppointmentBookId = "patientvoice-appointment-book";

    // The patient's name is not needed for the card (it is about this patient): the prefetch is there so an EHR that
    // honours it saves us nothing but proves the template; our data is in our own store.
    private static readonly Dictionary<string, string> PatientPrefetch = new(StringComparer.Ordinal) { ["patient"] = "Patient/{{context.patientId}}" };

    public static IReadOnlyList<CdsServiceDescription> Services { get; } =
    [
        new("patient-view", PatientViewId, "What matters to this patient",
            "A card when the patient has shared, in their own words, their goals, worries, agenda or preferences in PatientVoice; it opens their summary.",
            PatientPrefetch,
            "Needs the EHR's SMART launch of PatientVoice for the card's link."),
        new("appointment-book", AppointmentBookId, "What matters to this patient, at booking",
            "A card when the patient being booked has shared what matters to them in PatientVoice; it opens their summary.",
            PatientPrefetch,
            "Needs the EHR's SMART launch of PatientVoice for the card's link."),
    ];

    public static CdsServiceDescription? Find(string id) => Services.FirstOrDefault(s => s.Id == id);
}
