using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Serialization;

namespace PatientVoice.Web.Tests;

/// <summary>Small helpers to speak FHIR JSON to the server in tests.</summary>
internal static class FhirJson
{
    public static StringContent Content(string json, string mediaType = "application/fhir+json")
        => new(json, Encoding.UTF8, new MediaTypeHeaderValue(mediaType));

    public static StringContent Content(Resource resource) => Content(FhirSerializer.ToJson(resource));

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response)
        where T : Resource
    {
        var text = await response.Content.ReadAsStringAsync();
        var resource = JsonSerializer.Deserialize<Resource>(text, FhirSerializer.JsonOptions);
        return resource as T ?? throw new Xunit.Sdk.XunitException($"Expected a {typeof(T).Name}, got {(int)response.StatusCode}: {text}");
    }

    /// <summary>A hand-made completed response to one of our questionnaires (tests/PatientVoice.Fhir.Tests/CompletedResponses), without its id.</summary>
    public static QuestionnaireResponse CompletedResponse(string questionnaire)
    {
        var json = File.ReadAllText(Path.Combine(PatientVoice.Testing.RepositoryPaths.CompletedResponses, questionnaire + ".json"));
        var response = (QuestionnaireResponse)JsonSerializer.Deserialize<Resource>(json, FhirSerializer.JsonOptions)!;
        response.Id = null;
        return response;
    }

    /// <summary>A goal in the patient's words that meets our patient-stated goal profile.</summary>
    public static Goal Goal(string patient, string words) => new()
    {
        LifecycleStatus = Hl7.Fhir.Model.Goal.GoalLifecycleStatus.Proposed,
        Category = [new CodeableConcept("http://loinc.org", "87528-6", "Personal health goal")],
        Description = new CodeableConcept { Text = words },
        Subject = new ResourceReference($"Patient/{patient}"),
        ExpressedBy = new ResourceReference($"Patient/{patient}"),
    };

    /// <summary>The provenance of a submission (our profile): the patient wrote <paramref name="targets"/>, from a response.</summary>
    public static Provenance Provenance(string patient, params string[] targets) => new()
    {
        Target = targets.Select(t => new ResourceReference(t)).ToList(),
        Recorded = DateTimeOffset.UtcNow,
        Agent =
        [
            new Provenance.AgentComponent
            {
                Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/provenance-participant-type", "author"),
                Who = new ResourceReference($"Patient/{patient}"),
            },
        ],
        Entity = [new Provenance.EntityComponent { Role = Hl7.Fhir.Model.Provenance.ProvenanceEntityRole.Source, What = new ResourceReference("QuestionnaireResponse/submitted") }],
    };
}
