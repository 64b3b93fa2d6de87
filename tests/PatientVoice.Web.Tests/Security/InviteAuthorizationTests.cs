using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.Security;

/// <summary>
/// <c>Patient/{id}/$invite</c> and <c>Task/{id}/$revoke-invitation</c> (docs/adr/0029) are the clinic's: only a
/// <c>system/</c> scope that may create (revoke: update) Tasks opens them. A patient's or a user's token, a read-only
/// system scope and a forged token are refused with an OperationOutcome, and no invitation is stored.
/// </summary>
[Collection(FhirServerCollection.Name)]
public sealed class InviteAuthorizationTests(FhirServerFixture server)
{
    private static readonly string VisitDate = DateTime.UtcNow.Date.AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    public static TheoryData<string, HttpStatusCode> Refused() => new()
    {
        { "no token", HttpStatusCode.Unauthorized },
        { "forged: signed with a key the issuer does not publish", HttpStatusCode.Unauthorized },
        { "forged: a patient token's scope rewritten to system/*.cruds", HttpStatusCode.Unauthorized },
        { "patient/*.cruds for the same patient", HttpStatusCode.Forbidden },
        { "user/*.cruds of a practitioner", HttpStatusCode.Forbidden },
        { "system/Task.rs (no create)", HttpStatusCode.Forbidden },
        { "system/Goal.cruds (another type)", HttpStatusCode.Forbidden },
    };

    private static string TokenFor(string fault, string patient) => fault switch
    {
        "no token" => "",
        "forged: signed with a key the issuer does not publish" => Forged(),
        "forged: a patient token's scope rewritten to system/*.cruds" => Tampered(patient),
        "patient/*.cruds for the same patient" => TestTokens.Create(FhirServerFixture.Audience, "patient/*.cruds", patient: patient),
        "user/*.cruds of a practitioner" => TestTokens.Create(FhirServerFixture.Audience, "user/*.cruds", fhirUser: "Practitioner/dr-invite"),
        "system/Task.rs (no create)" => TestTokens.Create(FhirServerFixture.Audience, "system/Task.rs"),
        "system/Goal.cruds (another type)" => TestTokens.Create(FhirServerFixture.Audience, "system/Goal.cruds"),
        _ => throw new ArgumentOutOfRangeException(nameof(fault)),
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public async Task A_token_without_a_system_create_scope_on_Task_creates_no_link(string fault, HttpStatusCode expected)
    {
        var patient = "invite-" + Guid.NewGuid().ToString("N")[..10];
        var token = TokenFor(fault, patient);
        using var client = server.CreateFhirClient(token.Length == 0 ? null : token);

        using var response = await client.PostAsync($"Patient/{patient}/$invite", Body(VisitDate));

        Assert.Equal(expected, response.StatusCode);
        Assert.Contains("\"OperationOutcome\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain("/i/", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await InvitationCountAsync(patient));
    }

    [Fact]
    public async Task A_system_create_scope_on_Task_creates_one_link_whose_task_holds_no_token_and_a_patient_token_cannot_revoke_it()
    {
        var patient = "invite-" + Guid.NewGuid().ToString("N")[..10];
        using var clinic = server.CreateFhirClient(TestTokens.Create(FhirServerFixture.Audience, "system/Task.c"));

        using var created = await clinic.PostAsync($"Patient/{patient}/$invite", Body(VisitDate));

        var text = await created.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        using var parameters = JsonDocument.Parse(text);
        var url = Parameter(parameters, "url").GetProperty("valueUri").GetString()!;
        var token = url.Split("/i/")[1];
        Assert.Matches("^[A-Za-z0-9_-]{24}$", token);
        var task = Parameter(parameters, "invitation").GetProperty("valueReference").GetProperty("reference").GetString()!;
        Assert.Equal(1, await InvitationCountAsync(patient));

        using var all = server.CreateFhirClient();
        var stored = await (await all.GetAsync(task)).Content.ReadAsStringAsync();
        Assert.DoesNotContain(token, stored, StringComparison.Ordinal);
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData(Encoding.ASCII.GetBytes(token))), stored, StringComparison.Ordinal);

        // The patient the link is for cannot revoke (or otherwise manage) it with their own token.
        using var asPatient = server.CreateFhirClient(TestTokens.Create(FhirServerFixture.Audience, "patient/*.cruds", patient: patient));
        using var revoke = await asPatient.PostAsync(task + "/$revoke-invitation", null);
        Assert.Equal(HttpStatusCode.Forbidden, revoke.StatusCode);
        Assert.Contains("\"requested\"", await (await all.GetAsync(task)).Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static string Forged()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return TestTokens.Sign(TestTokens.Payload(TestTokens.Create(FhirServerFixture.Audience, "system/*.cruds")), other, TestTokens.KeyId);
    }

    private static string Tampered(string patient)
    {
        var token = TestTokens.Create(FhirServerFixture.Audience, "patient/*.cruds", patient: patient);
        var payload = TestTokens.Payload(token);
        payload["scope"] = "system/*.cruds";
        payload.Remove("patient");
        return TestTokens.WithPayload(token, payload);
    }

    private async Task<int> InvitationCountAsync(string patient)
    {
        using var all = server.CreateFhirClient();
        using var response = await all.GetAsync($"Task?patient=Patient/{patient}&_summary=count");
        response.EnsureSuccessStatusCode();
        using var bundle = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return bundle.RootElement.GetProperty("total").GetInt32();
    }

    private static JsonElement Parameter(JsonDocument parameters, string name)
        => parameters.RootElement.GetProperty("parameter").EnumerateArray().First(p => p.GetProperty("name").GetString() == name);

    private static StringContent Body(string visitDate) => new(
        "{\"resourceType\":\"Parameters\",\"parameter\":["
        + $"{{\"name\":\"visitDate\",\"valueDate\":\"{visitDate}\"}},"
        + "{\"name\":\"clinic\",\"valueString\":\"North clinic\"},"
        + "{\"name\":\"language\",\"valueCode\":\"en\"},"
        + "{\"name\":\"check\",\"valueCode\":\"none\"}]}",
        Encoding.UTF8,
        "application/fhir+json");
}
