using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace PatientVoice.Sandbox.Tests;

public sealed class EhrFhirEndpointTests(SandboxFactory factory) : IClassFixture<SandboxFactory>
{
    private readonly HttpClient _http = factory.CreateBrowserlessClient();

    [Fact]
    public async Task A_read_without_a_token_is_401()
    {
        var response = await _http.GetAsync("/fhir/Patient/maria-garcia");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_patient_token_reads_its_patient_and_searches_only_its_compartment()
    {
        var token = await Token("patient/Patient.rs patient/DocumentReference.rs patient/Condition.rs", "lucia-garcia");

        var patient = await Get("/fhir/Patient/maria-garcia", token);
        Assert.Equal(HttpStatusCode.OK, patient.StatusCode);
        Assert.Contains("\"preferred\":true", await patient.Content.ReadAsStringAsync());

        var other = await Get("/fhir/Patient/robert-chen", token);
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);

        var notes = await Get("/fhir/DocumentReference", token);
        using var bundle = JsonDocument.Parse(await notes.Content.ReadAsStringAsync());
        var entries = bundle.RootElement.GetProperty("entry").EnumerateArray().ToList();
        Assert.Single(entries);
        Assert.Equal("Patient/maria-garcia", entries[0].GetProperty("resource").GetProperty("subject").GetProperty("reference").GetString());
    }

    [Fact]
    public async Task A_scope_that_does_not_cover_the_type_is_403_with_an_operation_outcome()
    {
        var token = await Token("patient/Goal.rs", "robert-chen");
        var response = await Get("/fhir/Condition?patient=Patient/robert-chen", token);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/fhir+json", response.Content.Headers.ContentType?.MediaType);
        using var outcome = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("OperationOutcome", outcome.RootElement.GetProperty("resourceType").GetString());
        Assert.Equal("forbidden", outcome.RootElement.GetProperty("issue")[0].GetProperty("code").GetString());
    }

    [Fact]
    public async Task A_user_token_searches_every_patient_and_creates_a_goal()
    {
        var token = await Token("user/*.cruds", "dr-nguyen");
        var patients = await Get("/fhir/Patient?_count=100", token);
        using (var bundle = JsonDocument.Parse(await patients.Content.ReadAsStringAsync()))
        {
            Assert.True(bundle.RootElement.GetProperty("entry").GetArrayLength() >= 10);
        }

        var spanish = await Get("/fhir/Patient?language=es", token);
        using (var bundle = JsonDocument.Parse(await spanish.Content.ReadAsStringAsync()))
        {
            Assert.True(bundle.RootElement.GetProperty("entry").GetArrayLength() >= 3);
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, "/fhir/Goal")
        {
            Content = new StringContent("""
                {"resourceType":"Goal","lifecycleStatus":"proposed","description":{"text":"Keep gardening through the summer"},
                 "subject":{"reference":"Patient/robert-chen"}}
                """, Encoding.UTF8, "application/fhir+json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var created = await _http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.NotNull(created.Headers.Location);

        var goals = await Get("/fhir/Goal?patient=Patient/robert-chen", token);
        Assert.Contains("Keep gardening", await goals.Content.ReadAsStringAsync());
    }

    private async Task<string> Token(string scope, string user)
    {
        var token = await new SmartClient(factory.CreateBrowserlessClient()).LoginAsync(scope, user);
        return token.GetProperty("access_token").GetString()!;
    }

    private Task<HttpResponseMessage> Get(string path, string token)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return _http.SendAsync(request);
    }
}
