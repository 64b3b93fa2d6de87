using Hl7.Fhir.Model;

namespace PatientVoice.Benchmarks;

/// <summary>
/// A deterministic data set: <c>resources</c> resources about <c>patients</c> patients (who live in the EHR,
/// so only referenced): 30% Goals, 50% Observations, 10% QuestionnaireResponses and 10% Provenances. Resources come
/// in groups of ten (3 Goals, 5 Observations, 1 QuestionnaireResponse, then a Provenance whose target is that
/// response), the groups round-robin over the patients, so every patient has the same mix.
/// </summary>
internal sealed class SyntheticDataset(int resources, int patients)
{
    /// <summary>
    /// The shape of the data set: a file loaded by another shape must not be reused silently. 2: a Provenance per
    /// QuestionnaireResponse (in place of one Observation per group).
    /// </summary>
    public const int Version = 2;

    public int Resources => resources;

    public int Patients => patients;

    /// <summary>What a file loaded with this data set records beside it, and a reused file must match.</summary>
    public string Signature => $"search data set v{Version}: {resources} resources over {patients} patients";

    public static string PatientReference(int patient) => $"Patient/bench-{patient}";

    /// <summary>Goals per patient, so the expected size of a <c>Goal?patient=</c> answer is known.</summary>
    public double GoalsPerPatient => resources * 0.3 / patients;

    /// <summary>QuestionnaireResponses per patient, and as many Provenances (one targets each response).</summary>
    public double ResponsesPerPatient => resources * 0.1 / patients;

    public IEnumerable<Resource> Generate()
    {
        for (var i = 0; i < resources; i++)
        {
            var patient = PatientReference(i / 10 % patients);
            var subject = new ResourceReference(patient);
            yield return (i % 10) switch
            {
                < 3 => new Goal
                {
                    LifecycleStatus = Goal.GoalLifecycleStatus.Active,
                    Description = new CodeableConcept { Text = $"Goal {i}: walk to the shop and back without resting" },
                    Subject = subject,
                    Start = new Date(2026, 1 + (i % 12), 1 + (i % 28)),
                },
                < 8 => new Observation
                {
                    Status = ObservationStatus.Final,
                    Code = new CodeableConcept("http://loinc.org", "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"),
                    Subject = subject,
                    Effective = new FhirDateTime(2026, 1 + (i % 12), 1 + (i % 28)),
                    Value = new Quantity(i % 11, "{score}"),
                },
                8 => new QuestionnaireResponse
                {
                    Id = ResponseId(i),
                    Questionnaire = "http://example.org/Questionnaire/what-matters",
                    Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
                    Subject = subject,
                    Authored = "2026-02-01",
                    Item = [new QuestionnaireResponse.ItemComponent { LinkId = "1", Answer = [new() { Value = new FhirString($"Answer {i}") }] }],
                },
                // Shaped like a submission's (Fhir/Questionnaires/Extract/SubmissionRecords): the patient as author, the
                // response as its source entity; its target is the response (see docs/benchmarks.md, issue 19: the
                // submission path itself targets what it extracted).
                _ => new Provenance
                {
                    Target = [new ResourceReference($"QuestionnaireResponse/{ResponseId(i - 1)}")],
                    Recorded = new DateTimeOffset(2026, 2, 1, 12, 0, 0, TimeSpan.Zero),
                    Agent =
                    [
                        new Provenance.AgentComponent
                        {
                            Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/provenance-participant-type", "author", "Author"),
                            Who = new ResourceReference(patient),
                        },
                    ],
                    Entity =
                    [
                        new Provenance.EntityComponent
                        {
                            Role = Provenance.ProvenanceEntityRole.Source,
                            What = new ResourceReference($"QuestionnaireResponse/{ResponseId(i - 1)}"),
                        },
                    ],
                },
            };
        }
    }

    private static string ResponseId(int index) => $"bench-qr-{index}";
}
