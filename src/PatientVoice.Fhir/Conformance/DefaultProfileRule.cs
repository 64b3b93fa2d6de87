using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Conformance;

/// <summary>
/// "A <see cref="ResourceType"/> (whose code has <see cref="CodeSystem"/>, <see cref="Code"/>) is validated
/// against <see cref="Profile"/>". Observations and Lists are only ours when their code says so: an integrator's
/// blood pressure is not held to our care-preference profile. A Provenance is held to the submission profile when it
/// names a source (a submission names its response); one without a source (a change made on a patient page,
/// PageChangeProvenance) is plain R4.
/// </summary>
public sealed record DefaultProfileRule(string ResourceType, string Profile, string? CodeSystem = null, string? Code = null)
{
    public const string Canonical = "http://patientvoice.example.org/fhir";
    public const string PatientStatedGoal = Canonical + "/StructureDefinition/pv-patient-stated-goal";
    public const string QuestionnaireResponse = Canonical + "/StructureDefinition/pv-questionnaire-response";
    public const string CarePreference = Canonical + "/StructureDefinition/pv-care-preference";
    public const string ConditionSelfKnowledge = Canonical + "/StructureDefinition/pv-condition-self-knowledge";
    public const string PatientNote = Canonical + "/StructureDefinition/pv-patient-note";
    public const string SubmissionProvenance = Canonical + "/StructureDefinition/pv-submission-provenance";
    public const string VisitAgenda = Canonical + "/StructureDefinition/pv-visit-agenda";

    private const string Loinc = "http://loinc.org";

    public static List<DefaultProfileRule> PatientVoiceDefaults() =>
    [
        new("Goal", PatientStatedGoal),
        new("QuestionnaireResponse", QuestionnaireResponse),
        new("Observation", CarePreference, Loinc, "95541-9"),
        new("Observation", CarePreference, Loinc, "75773-2"),
        new("Observation", ConditionSelfKnowledge, Canonical + "/CodeSystem/pv-self-knowledge-kind"),
        new("DocumentReference", PatientNote, Loinc, "51855-5"),
        new("Provenance", SubmissionProvenance),
        new("List", VisitAgenda, Canonical + "/CodeSystem/pv-list-kind", "visit-agenda"),
    ];

    public bool AppliesTo(Resource resource)
    {
        if (resource.TypeName != ResourceType)
        {
            return false;
        }

        if (resource is Provenance provenance)
        {
            return provenance.Entity.Any(e => e.Role == Provenance.ProvenanceEntityRole.Source);
        }

        if (CodeSystem is null)
        {
            return true;
        }

        var code = resource switch
        {
            Observation o => o.Code,
            List l => l.Code,
            DocumentReference d => d.Type,
            _ => null,
        };
        return code?.Coding.Any(c => c.System == CodeSystem && (Code is null || c.Code == Code)) == true;
    }
}
