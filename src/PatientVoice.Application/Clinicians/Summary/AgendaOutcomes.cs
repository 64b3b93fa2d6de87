namespace PatientVoice.Application.Clinicians.Summary;

/// <summary>What a clinician did about one agenda topic (docs/adr/0011).</summary>
public enum AgendaOutcome
{
    Addressed,
    Deferred,
    NextVisit,
}

/// <summary>The codes of <see cref="AgendaOutcome"/> (CodeSystem pv-agenda-outcome) and their words.</summary>
public static class AgendaOutcomes
{
    public const string System = "http://patientvoice.example.org/fhir/CodeSystem/pv-agenda-outcome";

    public static string Code(AgendaOutcome outcome) => outcome switch
    {
        AgendaOutcome.Addressed => "addressed",
        AgendaOutcome.Deferred => "deferred",
        _ => "next-visit",
    };

    public static AgendaOutcome? Parse(string? code) => code switch
    {
        "addressed" => AgendaOutcome.Addressed,
        "deferred" => AgendaOutcome.Deferred,
        "next-visit" => AgendaOutcome.NextVisit,
        _ => null,
    };

    /// <summary>The words a clinician (and the patient, afterwards) reads.</summary>
    public static string Label(AgendaOutcome outcome) => outcome switch
    {
        AgendaOutcome.Addressed => "Talked about today",
        AgendaOutcome.Deferred => "Put off for now",
        _ => "For the next visit",
    };
}
