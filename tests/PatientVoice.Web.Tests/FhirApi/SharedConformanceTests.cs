using System.Net;
using System.Text.Json;
using Hl7.Fhir.Model;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.FhirApi;

/// <summary>Questionnaires written by others (NLM LHC-Forms, HL7 SDC and PCO), sent to the API as they are.</summary>
[Collection(FhirServerCollection.Name)]
public sealed class SharedConformanceTests(FhirServerFixture server)
{
    private readonly HttpClient _client = server.CreateFhirClient();

    public static TheoryData<string> Questionnaires()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.SharedConformance, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            try
            {
                using var document = JsonDocument.Parse(File.ReadAllText(file));
                if (document.RootElement.TryGetProperty("resourceType", out var type) && type.GetString() == "Questionnaire")
                {
                    data.Add(Path.GetRelativePath(RepositoryPaths.SharedConformance, file));
                }
            }
            catch (JsonException)
            {
                // Not JSON at all: not a Questionnaire for this test.
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Questionnaires))]
    public async Task Each_shared_questionnaire_is_stored_or_refused_with_an_outcome_that_says_why(string file)
    {
        var json = await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.SharedConformance, file));

        var response = await _client.PostAsync("Questionnaire", FhirJson.Content(json));

        var status = (int)response.StatusCode;
        Assert.True(status is 201 or 400 or 422, $"{file}: {status}");
        if (status == 201)
        {
            var stored = await FhirJson.ReadAsync<Questionnaire>(await _client.GetAsync(response.Headers.Location!.AbsolutePath.Replace("/fhir/", string.Empty, StringComparison.Ordinal)));
            Assert.Equal("1", stored.Meta.VersionId);
        }
        else
        {
            var outcome = await FhirJson.ReadAsync<OperationOutcome>(response);
            Assert.Contains(outcome.Issue, i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal && !string.IsNullOrWhiteSpace(i.Diagnostics));
        }
    }
}
