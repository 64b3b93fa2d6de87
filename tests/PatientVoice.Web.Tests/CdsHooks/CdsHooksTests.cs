using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Microsoft.IdentityModel.Tokens;
using PatientVoice.Web.Tests.Clinicians;

namespace PatientVoice.Web.Tests.CdsHooks;

/// <summary>CDS Hooks 2.0 over real HTTP: discovery, cards only when there is something to see, and the EHR's signed JWT required.</summary>
public sealed class CdsHooksTests(CdsHooksServerFixture server) : IClassFixture<CdsHooksServerFixture>
{
    private const string PatientView = "patientvoice-patient-view";
    private string ServiceUrl(string id = PatientView) => $"{server.BaseUrl}/cds-services/{id}";

    [Fact]
    public async Task Discovery_lists_the_patient_view_and_appointment_book_services_with_prefetch_templates()
    {
        using var response = await server.Http.GetAsync(server.BaseUrl + "/cds-services");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var services = json.RootElement.GetProperty("services").EnumerateArray().ToList();
        Assert.Equal(["patient-view", "appointment-book"], services.Select(s => s.GetProperty("hook").GetString()));
        Assert.All(services, s =>
        {
            Assert.False(string.IsNullOrEmpty(s.GetProperty("id").GetString()));
            Assert.False(string.IsNullOrEmpty(s.GetProperty("description").GetString()));
            Assert.Equal("Patient/{{context.patientId}}", s.GetProperty("prefetch").GetProperty("patient").GetString());
        });
    }

    [Fact]
    public async Task A_patient_who_shared_goals_and_a_worry_gets_one_card_that_counts_them_and_links_to_the_summary()
    {
        var patient = new PatientSubmissions(server.CreateFhirClient());
        await patient.SubmitAsync("my-goals", DateTimeOffset.UtcNow.AddDays(-2));
        await patient.SubmitAsync("before-your-visit", DateTimeOffset.UtcNow.AddDays(-1), r => r.Item.RemoveAll(i => i.LinkId == "visit-hopes"));

        using var response = await CallAsync(PatientView, patient.Patient, server.Ehr.Token(ServiceUrl()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var card = Assert.Single(json.RootElement.GetProperty("cards").EnumerateArray());
        Assert.Equal("Shared what matters to them before today's visit: 2 goals, 1 worry, 3 topics to talk about", card.GetProperty("summary").GetString());
        Assert.Equal("info", card.GetProperty("indicator").GetString());
        Assert.Equal("PatientVoice", card.GetProperty("source").GetProperty("label").GetString());
        var link = Assert.Single(card.GetProperty("links").EnumerateArray());
        Assert.Equal("smart", link.GetProperty("type").GetString());
        // What the card is about (no safety flag, three topics): the agenda, which PatientVoice opens when launched with it.
        Assert.Equal("clinician-summary/agenda", link.GetProperty("appContext").GetString());
        Assert.Equal(server.BaseUrl + "/launch/clinician", link.GetProperty("url").GetString());
        Assert.DoesNotContain("Walk my granddaughter", card.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_patient_who_shared_nothing_gets_no_card()
    {
        using var response = await CallAsync(PatientView, "Patient/nobody-" + Guid.NewGuid().ToString("N")[..8], server.Ehr.Token(ServiceUrl()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Empty(json.RootElement.GetProperty("cards").EnumerateArray());
    }

    [Fact]
    public async Task Booking_an_appointment_for_a_patient_who_shared_preferences_shows_a_card()
    {
        var patient = new PatientSubmissions(server.CreateFhirClient());
        await patient.SubmitAsync("my-care-preferences", DateTimeOffset.UtcNow.AddDays(-3));

        using var response = await CallAsync("patientvoice-appointment-book", patient.Patient, server.Ehr.Token(ServiceUrl("patientvoice-appointment-book")), "appointment-book");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var card = Assert.Single(json.RootElement.GetProperty("cards").EnumerateArray());
        Assert.Equal("Shared what matters to them before their visit: 4 care preferences", card.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task A_call_without_a_JWT_is_refused()
    {
        using var response = await CallAsync(PatientView, "Patient/x", token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    public static TheoryData<string> BadTokens => new() { "forged", "expired", "unknown-issuer", "wrong-audience", "too-long-lived", "not-a-jwt", "hs256" };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_call_with_a_bad_JWT_is_refused(string kind)
    {
        var token = kind switch
        {
            "forged" => server.Ehr.Token(ServiceUrl(), credentials: server.Ehr.ForgedCredentials()),
            "expired" => server.Ehr.Token(ServiceUrl(), issuedAt: DateTimeOffset.UtcNow.AddMinutes(-10)),
            "unknown-issuer" => server.Ehr.Token(ServiceUrl(), issuer: "http://someone-else.invalid"),
            "wrong-audience" => server.Ehr.Token(ServiceUrl("patientvoice-appointment-book")),
            "too-long-lived" => server.Ehr.Token(ServiceUrl(), lifetime: TimeSpan.FromHours(1)),
            "hs256" => server.Ehr.Token(ServiceUrl(), credentials: new SigningCredentials(new SymmetricSecurityKey(new byte[32]), SecurityAlgorithms.HmacSha256)),
            _ => "not.a.jwt",
        };

        using var response = await CallAsync(PatientView, "Patient/x", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_replayed_JWT_is_refused_the_second_time()
    {
        var token = server.Ehr.Token(ServiceUrl());

        using var first = await CallAsync(PatientView, "Patient/x", token);
        using var second = await CallAsync(PatientView, "Patient/x", token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
    }

    [Fact]
    public async Task A_call_without_a_patient_in_context_is_a_400()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ServiceUrl())
        {
            Content = new StringContent("""{"hook":"patient-view","hookInstance":"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea","context":{"userId":"Practitioner/dr-patel"}}""", Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", server.Ehr.Token(ServiceUrl()));

        using var response = await server.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task An_unknown_service_is_a_404()
    {
        using var response = await CallAsync("no-such-service", "Patient/x", server.Ehr.Token(ServiceUrl("no-such-service")));

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    private async Task<HttpResponseMessage> CallAsync(string service, string patient, string? token, string hook = "patient-view")
    {
        var body = new
        {
            hook,
            hookInstance = Guid.NewGuid().ToString(),
            fhirServer = "http://ehr.test.invalid/fhir",
            context = new { userId = "Practitioner/dr-patel", patientId = patient["Patient/".Length..] },
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{server.BaseUrl}/cds-services/{service}")
        {
            Content = new StringContent(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await server.Http.SendAsync(request);
    }
}
