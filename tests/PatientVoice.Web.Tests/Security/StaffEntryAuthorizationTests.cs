using System.Net;
using Hl7.Fhir.Model;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.Security;

/// <summary>
/// Staff answering with a patient through the FHIR API (docs/adr/0030): a staff member's token launched with a patient
/// writes that patient's staff-typed responses, in the staff member's own name, and nobody else's. The response names
/// the patient as source and author of the words, the staff member as the one who entered them.
/// </summary>
[Collection(FhirServerCollection.Name)]
public sealed class StaffEntryAuthorizationTests(FhirServerFixture server)
{
    private const string Staff = "Practitioner/ma-authz";

    public static TheoryData<string, HttpStatusCode> Cases() => new()
    {
        { "staff token launched with the patient, typing in their own name", HttpStatusCode.Created },
        { "staff token launched with another patient", HttpStatusCode.Forbidden },
        { "staff token typing in another staff member's name", HttpStatusCode.Forbidden },
        { "the patient's own token naming staff as author", HttpStatusCode.Forbidden },
        { "a family member's token naming staff as author", HttpStatusCode.Forbidden },
        { "system token of a clinic kiosk naming the staff member", HttpStatusCode.Created },
        { "staff token with read-only scopes", HttpStatusCode.Forbidden },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_staff_typed_response_is_written_only_for_the_patient_in_context_and_in_the_writers_own_name(string who, HttpStatusCode expected)
    {
        var patient = "staff-" + Guid.NewGuid().ToString("N")[..10];
        var token = who switch
        {
            "staff token launched with the patient, typing in their own name" => Token("patient/QuestionnaireResponse.cru", patient, Staff),
            "staff token launched with another patient" => Token("patient/QuestionnaireResponse.cru", "someone-else", Staff),
            "staff token typing in another staff member's name" => Token("patient/QuestionnaireResponse.cru", patient, "Practitioner/someone-else"),
            "the patient's own token naming staff as author" => Token("patient/QuestionnaireResponse.cru", patient, "Patient/" + patient),
            "a family member's token naming staff as author" => Token("patient/QuestionnaireResponse.cru", patient, "RelatedPerson/daughter-" + patient),
            "system token of a clinic kiosk naming the staff member" => Token("system/QuestionnaireResponse.cru", null, null),
            "staff token with read-only scopes" => Token("patient/QuestionnaireResponse.rs", patient, Staff),
            _ => throw new ArgumentOutOfRangeException(nameof(who)),
        };
        using var client = server.CreateFhirClient(token);

        using var posted = await client.PostAsync("QuestionnaireResponse", FhirJson.Content(StaffTyped(patient)));

        var body = await posted.Content.ReadAsStringAsync();
        Assert.True(expected == posted.StatusCode, $"{who}: {(int)posted.StatusCode} {body}");
        if (expected != HttpStatusCode.Created)
        {
            Assert.Contains("\"OperationOutcome\"", body, StringComparison.Ordinal);
            Assert.Empty(await ResponsesOfAsync(patient));
            return;
        }

        var id = posted.Headers.Location!.ToString().Split("/QuestionnaireResponse/")[1].Split('/')[0];
        using var all = server.CreateFhirClient();
        var provenance = (await FhirJson.ReadAsync<Bundle>(await all.GetAsync($"Provenance?entity=QuestionnaireResponse/{id}"))).Entry.Select(e => e.Resource).OfType<Provenance>().Single();
        Assert.Contains(provenance.Agent, a => a.Type.Coding[0].Code == "author" && a.Who.Reference == "Patient/" + patient);
        Assert.Contains(provenance.Agent, a => a.Type.Coding[0].Code == "enterer" && a.Who.Reference == Staff && a.OnBehalfOf?.Reference == "Patient/" + patient);
    }

    [Fact]
    public async Task A_staff_typed_response_whose_source_is_not_its_patient_is_refused_and_nothing_is_stored()
    {
        var patient = "staff-" + Guid.NewGuid().ToString("N")[..10];
        using var client = server.CreateFhirClient(Token("system/QuestionnaireResponse.cru", null, null));
        var response = StaffTyped(patient);
        response.Source = new ResourceReference("Patient/someone-else");

        using var posted = await client.PostAsync("QuestionnaireResponse", FhirJson.Content(response));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, posted.StatusCode);
        Assert.Contains("QuestionnaireResponse.source", await posted.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Empty(await ResponsesOfAsync(patient));
    }

    private static string Token(string scope, string? patient, string? fhirUser)
        => TestTokens.Create(FhirServerFixture.Audience, scope, patient: patient, fhirUser: fhirUser);

    private static QuestionnaireResponse StaffTyped(string patient)
    {
        var response = FhirJson.CompletedResponse("my-goals");
        response.Subject = new ResourceReference("Patient/" + patient);
        response.Author = new ResourceReference(Staff);
        response.Source = new ResourceReference("Patient/" + patient);
        return response;
    }

    private async Task<List<QuestionnaireResponse>> ResponsesOfAsync(string patient)
    {
        using var all = server.CreateFhirClient();
        return (await FhirJson.ReadAsync<Bundle>(await all.GetAsync($"QuestionnaireResponse?subject=Patient/{patient}"))).Entry.Select(e => e.Resource).OfType<QuestionnaireResponse>().ToList();
    }
}
