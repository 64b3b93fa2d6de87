using System.Text.Json;
using Hl7.Fhir.Model;

namespace PatientVoice.Web.Tests.EhrSync;

/// <summary>"Exactly once": what PatientVoice holds for a patient against what the sandbox EHR holds, counted by identifier.</summary>
internal static class EhrWriteBackAssertions
{
    private const string Extracted = "http://patientvoice.example.org/fhir/sid/extracted";
    private const string ResponseSystem = "http://patientvoice.example.org/fhir/sid/response";
    private const string ProvenanceTag = "http://patientvoice.example.org/fhir/sid/provenance";

    /// <summary>Every Goal, Observation and DocumentReference PatientVoice extracted for the patient is in the EHR exactly once, and nothing else is; so is each response and each Provenance.</summary>
    public static async Task EveryItemIsInTheEhrExactlyOnceAsync(EhrSyncEnvironment environment, HttpClient patientVoice, string patient, params string[] types)
    {
        foreach (var type in types)
        {
            var ours = (await SearchOursAsync(patientVoice, $"{type}?patient=Patient/{patient}&_count=500"))
                .Select(r => Identifier(r, Extracted)).OfType<string>().Order(StringComparer.Ordinal).ToList();
            var theirs = (await environment.SearchEhrAsync($"{type}?patient=Patient/{patient}&_count=500"))
                .Select(r => Identifier(r, Extracted)).OfType<string>().Order(StringComparer.Ordinal).ToList();
            Assert.NotEmpty(ours);
            Assert.Equal(ours, theirs);
        }

        foreach (var response in await SearchOursAsync(patientVoice, $"QuestionnaireResponse?patient=Patient/{patient}&_count=500"))
        {
            var id = response.GetProperty("id").GetString()!;
            Assert.Single(await environment.SearchEhrAsync($"QuestionnaireResponse?identifier={Uri.EscapeDataString($"{ResponseSystem}|{id}")}"));
            foreach (var provenance in await SearchOursAsync(patientVoice, $"Provenance?entity=QuestionnaireResponse/{id}"))
            {
                var provenanceId = provenance.GetProperty("id").GetString()!;
                Assert.Single(await environment.SearchEhrAsync($"Provenance?_tag={Uri.EscapeDataString($"{ProvenanceTag}|{provenanceId}")}"));
            }
        }
    }

    public static async Task<List<JsonElement>> SearchOursAsync(HttpClient patientVoice, string query)
    {
        var bundle = await FhirJson.ReadAsync<Bundle>(await patientVoice.GetAsync(query));
        return [.. bundle.Entry.Where(e => e.Search?.Mode != Bundle.SearchEntryMode.Include)
            .Select(e => JsonDocument.Parse(PatientVoice.Fhir.Serialization.FhirSerializer.ToJson(e.Resource)).RootElement.Clone())];
    }

    public static string? Identifier(JsonElement resource, string system)
        => resource.TryGetProperty("identifier", out var identifiers)
            ? (identifiers.ValueKind == JsonValueKind.Array ? identifiers.EnumerateArray() : Enumerable.Repeat(identifiers, 1))
                .Where(i => i.TryGetProperty("system", out var s) && s.GetString() == system)
                .Select(i => i.GetProperty("value").GetString()).FirstOrDefault()
            : null;
}
