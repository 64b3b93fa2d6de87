using System.Net;
using System.Text.Json;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Conformance;

namespace PatientVoice.Web.Tests.FhirApi;

[Collection(FhirServerCollection.Name)]
public sealed class MetadataTests(FhirServerFixture server)
{
    private readonly HttpClient _client = server.CreateFhirClient();

    [Fact]
    public async Task The_capability_statement_lists_every_supported_type_with_its_interactions_and_search_parameters()
    {
        var statement = await FhirJson.ReadAsync<CapabilityStatement>(await _client.GetAsync("metadata"));

        Assert.Equal(FHIRVersion.N4_0_1, statement.FhirVersion);
        Assert.Contains("application/fhir+xml", statement.Format);
        var rest = Assert.Single(statement.Rest);
        // Patient is listed for Patient/$export only: patients are the EHR's, this server stores none.
        // Patient (only for Patient/$export) and Measure (only the uptake Measure, read and $evaluate-measure, docs/adr/0031).
        Assert.Equal([.. SupportedResourceTypes.All, "Patient", "Measure"], rest.Resource.Select(r => r.Type));
        Assert.Equal([CapabilityStatement.TypeRestfulInteraction.Read], rest.Resource.Single(r => r.Type == "Measure").Interaction.Select(i => i.Code));
        Assert.Empty(rest.Resource.Single(r => r.Type == "Patient").Interaction);
        var goal = rest.Resource.Single(r => r.Type == "Goal");
        Assert.Contains(goal.Interaction, i => i.Code == CapabilityStatement.TypeRestfulInteraction.HistoryInstance);
        Assert.Contains(goal.SearchParam, p => p.Name == "patient" && p.Type == SearchParamType.Reference);
        Assert.Contains(goal.SearchParam, p => p.Name == "lifecycle-status" && p.Type == SearchParamType.Token);
        Assert.Contains(rest.Interaction, i => i.Code == CapabilityStatement.SystemRestfulInteraction.Transaction);
        Assert.Contains("http://patientvoice.example.org/fhir/StructureDefinition/pv-patient-stated-goal", goal.SupportedProfile);
        Assert.Contains(goal.Operation, o => o.Name == "validate");
    }

    [Fact]
    public async Task The_openapi_document_describes_the_fhir_interactions()
    {
        var response = await server.CreateClient().GetAsync("/swagger/v1/swagger.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var paths = document.RootElement.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/fhir/{type}/{id}", out var instance));
        Assert.True(instance.TryGetProperty("get", out _));
        Assert.True(instance.TryGetProperty("put", out _));
        Assert.True(paths.TryGetProperty("/fhir/metadata", out _));
    }
}
