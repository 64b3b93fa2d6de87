using Hl7.Fhir.Model;

namespace PatientVoice.Benchmarks;

/// <summary>
/// A deterministic data set: <c>resources</c> resources about <c>patients</c> patients (who live in the EHR,
/// so only referenced): 30% Goals, 60% Observations, 10% QuestionnaireResponses. Resources come in groups of
/// ten (3 Goals, 6 Observations, 1 QuestionnaireResponse), the groups round-robin over the patients, so every
/// patient has the same mix.
/// </summary>
internal sealed class SyntheticDataset(int resources, int patients)
{
    public int Resources => resources;

    public int Patients => patients;

    public static string PatientReference(int patient) => $"Patient/bench-{patient}";

    /// <summary>Goals per patient, so the expected size of a <c>Goal?patient=</c> answer is known.</summary>
    public double GoalsPerPatient => resources * 0.3 / patients;

    public IEnumerable<Resource> Generate()
    {
        for (var i = 0; i < resources; i++)
        {
            var subject = new ResourceReference(PatientReference(i / 10 % patients));
            yield return (i % 10) switch
            {
                < 3 => new Goal
                {
                    LifecycleStatus = Goal.GoalLifecycleStatus.Active,
                    Description = new CodeableConcept { Text = $"Goal {i}: walk to the shop and back without resting" },
                    Subject = subject,
                    Start = new Date(2026, 1 + (i % 12), 1 + (i % 28)),
                },
                < 9 => new Observation
                {
                    Status = ObservationStatus.Final,
                    Code = new CodeableConcept("http://loinc.org", "72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported"),
                    Subject = subject,
                    Effective = new FhirDateTime(2026, 1 + (i % 12), 1 + (i % 28)),
                    Value = new Quantity(i % 11, "{score}"),
                },
                _ => new QuestionnaireResponse
                {
                    Questionnaire = "http://example.org/Questionnaire/what-matters",
                    Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed,
                    Subject = subject,
                    Authored = "2026-02-01",
                    Item = [new QuestionnaireResponse.ItemComponent { LinkId = "1", Answer = [new() { Value = new FhirString($"Answer {i}") }] }],
                },
            };
        }
    }
}
