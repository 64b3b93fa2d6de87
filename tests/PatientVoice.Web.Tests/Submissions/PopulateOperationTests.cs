using System.Net;
using Hl7.Fhir.Model;

namespace PatientVoice.Web.Tests.Submissions;

/// <summary>SDC Questionnaire/$populate over HTTP: type and instance level, Parameters in and out, bad input as OperationOutcome.</summary>
[Collection(FhirServerCollection.Name)]
public sealed class PopulateOperationTests(FhirServerFixture server)
{
    internal const string MyGoals = "http://patientvoice.example.org/fhir/Questionnaire/my-goals";
    private const string WhatIKnow = "http://patientvoice.example.org/fhir/Questionnaire/what-i-know-about-my-condition";
    private readonly HttpClient _client = server.CreateFhirClient();

    [Fact]
    public async Task Populating_by_canonical_returns_an_in_progress_response_for_the_subject()
    {
        var input = new Parameters();
        input.Add("canonical", new Canonical(MyGoals));
        input.Add("subject", new ResourceReference("Patient/pop-1"));

        var result = await _client.PostAsync("Questionnaire/$populate", FhirJson.Content(input));

        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        var response = (QuestionnaireResponse)(await FhirJson.ReadAsync<Parameters>(result)).GetSingle("response").Resource;
        Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.InProgress, response.Status);
        Assert.Equal("Patient/pop-1", response.Subject.Reference);
        Assert.Equal($"{MyGoals}|0.2.0", response.Questionnaire);
        Assert.Contains(response.Item, i => i.LinkId == "goal");
    }

    [Fact]
    public async Task Populating_a_stored_questionnaire_with_the_patients_conditions_as_context_starts_one_group_per_condition()
    {
        var id = await StoredIdAsync(WhatIKnow);
        var conditions = new Bundle { Type = Bundle.BundleType.Collection };
        conditions.Entry.Add(new Bundle.EntryComponent { Resource = new Condition { Id = "c1", Subject = new ResourceReference("Patient/pop-2"), Code = new CodeableConcept { Text = "Heart failure" } } });
        conditions.Entry.Add(new Bundle.EntryComponent { Resource = new Condition { Id = "c2", Subject = new ResourceReference("Patient/pop-2"), Code = new CodeableConcept("http://snomed.info/sct", "73211009", "Diabetes mellitus") } });
        var input = new Parameters();
        input.Add("subject", new ResourceReference("Patient/pop-2"));
        input.Parameter.Add(new Parameters.ParameterComponent
        {
            Name = "context",
            Part = [new() { Name = "name", Value = new FhirString("conditions") }, new() { Name = "content", Resource = conditions }],
        });

        var result = await _client.PostAsync($"Questionnaire/{id}/$populate", FhirJson.Content(input));

        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        var response = (QuestionnaireResponse)(await FhirJson.ReadAsync<Parameters>(result)).GetSingle("response").Resource;
        Assert.Equal(["Heart failure", "Diabetes mellitus"], response.Item.Where(i => i.LinkId == "condition")
            .Select(g => g.Item.Single(i => i.LinkId == "condition-name").Answer.Single().Value.ToString()));
    }

    [Fact]
    public async Task Populating_by_get_without_context_says_in_the_issues_what_could_not_be_filled()
    {
        var id = await StoredIdAsync(WhatIKnow);

        var result = await _client.GetAsync($"Questionnaire/{id}/$populate?subject=Patient/pop-3");

        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        var output = await FhirJson.ReadAsync<Parameters>(result);
        Assert.IsType<QuestionnaireResponse>(output.GetSingle("response").Resource);
        var issues = Assert.IsType<OperationOutcome>(output.GetSingle("issues").Resource);
        Assert.Contains(issues.Issue, i => i.Code == OperationOutcome.IssueType.NotFound && i.Diagnostics.Contains("condition", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_capability_statement_advertises_populate_on_questionnaire()
    {
        var metadata = await FhirJson.ReadAsync<CapabilityStatement>(await _client.GetAsync("metadata"));

        var questionnaire = metadata.Rest[0].Resource.Single(r => r.Type == "Questionnaire");
        Assert.Contains(questionnaire.Operation, o => o.Name == "populate" && o.Definition == "http://hl7.org/fhir/uv/sdc/OperationDefinition/Questionnaire-populate");
    }

    public static TheoryData<string, HttpStatusCode, string> BadRequests() => new()
    {
        { """{"resourceType":"Patient","active":true}""", HttpStatusCode.BadRequest, "takes a Parameters" },
        { $$$"""{"resourceType":"Parameters","parameter":[{"name":"canonical","valueCanonical":"{{{MyGoals}}}"}]}""", HttpStatusCode.BadRequest, "needs a 'subject'" },
        { """{"resourceType":"Parameters","parameter":[{"name":"subject","valueReference":{"reference":"Patient/x"}}]}""", HttpStatusCode.BadRequest, "exactly one of" },
        { $$$"""{"resourceType":"Parameters","parameter":[{"name":"canonical","valueCanonical":"{{{MyGoals}}}"},{"name":"questionnaireRef","valueReference":{"reference":"Questionnaire/x"}},{"name":"subject","valueReference":{"reference":"Patient/x"}}]}""", HttpStatusCode.BadRequest, "exactly one of" },
        { """{"resourceType":"Parameters","parameter":[{"name":"canonical","valueCanonical":"http://example.org/Questionnaire/nowhere"},{"name":"subject","valueReference":{"reference":"Patient/x"}}]}""", HttpStatusCode.NotFound, "nowhere" },
        { $$$"""{"resourceType":"Parameters","parameter":[{"name":"canonical","valueCanonical":"{{{MyGoals}}}"},{"name":"subject","valueReference":{"reference":"Practitioner/dr"}}]}""", HttpStatusCode.UnprocessableEntity, "answered about Patient" },
        { $$$"""{"resourceType":"Parameters","parameter":[{"name":"canonical","valueCanonical":"{{{MyGoals}}}"},{"name":"subject","valueReference":{"reference":"Patient/x"}},{"name":"context","part":[{"name":"name","valueString":"patient"},{"name":"content","valueReference":{"reference":"Patient/x"}}]}]}""", HttpStatusCode.UnprocessableEntity, "give the resource itself" },
        { $$$"""{"resourceType":"Parameters","parameter":[{"name":"canonical","valueCanonical":"{{{MyGoals}}}"},{"name":"subject","valueReference":{"reference":"Patient/x"}},{"name":"context","part":[{"name":"name","valueString":"patient"}]}]}""", HttpStatusCode.BadRequest, "'name' and a 'content'" },
        { "{not json", HttpStatusCode.BadRequest, "" },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_an_operation_outcome_with_the_right_status(string body, HttpStatusCode status, string message)
    {
        var result = await _client.PostAsync("Questionnaire/$populate", FhirJson.Content(body));

        Assert.Equal(status, result.StatusCode);
        var outcome = await FhirJson.ReadAsync<OperationOutcome>(result);
        Assert.Contains(outcome.Issue, i => (i.Diagnostics ?? string.Empty).Contains(message, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Questionnaire/no-such-questionnaire/$populate?subject=Patient/x", HttpStatusCode.NotFound)]
    [InlineData("Questionnaire/$populate?subject=Patient/x&context=patient", HttpStatusCode.BadRequest)]
    [InlineData("Questionnaire/$populate?subject=Patient/x&local=maybe", HttpStatusCode.BadRequest)]
    public async Task Bad_get_requests_are_operation_outcomes(string url, HttpStatusCode status)
    {
        var result = await _client.GetAsync(url);

        Assert.Equal(status, result.StatusCode);
        Assert.NotEmpty((await FhirJson.ReadAsync<OperationOutcome>(result)).Issue);
    }

    private async Task<string> StoredIdAsync(string url)
    {
        var found = await FhirJson.ReadAsync<Bundle>(await _client.GetAsync($"Questionnaire?url={Uri.EscapeDataString(url)}"));
        return found.Entry[0].Resource.Id!;
    }
}
