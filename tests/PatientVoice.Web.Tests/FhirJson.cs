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

    public static Goal Goal(string patient, string words) => new()
    {
        LifecycleStatus = Hl7.Fhir.Model.Goal.GoalLifecycleStatus.Proposed,
        Description = new CodeableConcept { Text = words },
        Subject = new ResourceReference($"Patient/{patient}"),
        ExpressedBy = new ResourceReference($"Patient/{patient}"),
    };
}
