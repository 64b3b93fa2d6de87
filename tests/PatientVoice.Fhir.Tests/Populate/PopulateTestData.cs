using Hl7.Fhir.Model;
using PatientVoice.Fhir.Questionnaires.Populate;

namespace PatientVoice.Fhir.Tests.Populate;

/// <summary>An invented patient, her conditions as an EHR returns them, and small forms for population tests.</summary>
internal static class PopulateTestData
{
    public static Patient Patient() => new()
    {
        Id = "pat-ana",
        Name = [new HumanName { Given = ["Ana", "María"], Family = "Torres" }],
        BirthDate = "1961-04-12",
        Gender = AdministrativeGender.Female,
    };

    public static Condition Condition(string id, string text, string? snomed = null, bool enteredInError = false) => new()
    {
        Id = id,
        Subject = new ResourceReference("Patient/pat-ana"),
        Code = new CodeableConcept
        {
            Text = text,
            Coding = snomed is null ? [] : [new Coding("http://snomed.info/sct", snomed, text)],
        },
        VerificationStatus = new CodeableConcept("http://terminology.hl7.org/CodeSystem/condition-ver-status", enteredInError ? "entered-in-error" : "confirmed"),
    };

    public static Questionnaire.ItemComponent Question(string linkId, Questionnaire.QuestionnaireItemType type, string expression, string language = "text/fhirpath") => new()
    {
        LinkId = linkId,
        Type = type,
        Extension = [new Extension(PopulateExtensions.InitialExpression, new Expression { Language = language, Expression_ = expression })],
    };
}
