using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.Security;

/// <summary>
/// <c>Measure/patientvoice-uptake</c> and its <c>$evaluate-measure</c> (docs/adr/0031) are clinic-wide counts: only a
/// <c>system/</c> scope that reads MeasureReport gets them. A patient's or a user's token, a system scope on another
/// type and a forged token are refused with an OperationOutcome; a bad period is a 400, never a 500.
/// </summary>
[Collection(FhirServerCollection.Name)]
public sealed class UptakeAuthorizationTests(FhirServerFixture server)
{
    private static readonly string Today = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static TheoryData<string, HttpStatusCode> Tokens() => new()
    {
        { "no token", HttpStatusCode.Unauthorized },
        { "forged: signed with a key the issuer does not publish", HttpStatusCode.Unauthorized },
        { "patient/*.cruds", HttpStatusCode.Forbidden },
        { "user/*.cruds of a practitioner", HttpStatusCode.Forbidden },
        { "system/Goal.rs", HttpStatusCode.Forbidden },
        { "system/MeasureReport.c", HttpStatusCode.Forbidden },
        { "system/MeasureReport.rs", HttpStatusCode.OK },
        { "system/*.read", HttpStatusCode.OK },
    };

    private static string? TokenFor(string profile) => profile switch
    {
        "no token" => null,
        "forged: signed with a key the issuer does not publish" => Forged(),
        "patient/*.cruds" => FhirServerFixture.Token("patient/*.cruds", patient: "uptake-alice"),
        "user/*.cruds of a practitioner" => FhirServerFixture.Token("user/*.cruds", fhirUser: "Practitioner/dr-uptake"),
        _ => FhirServerFixture.Token(profile),
    };

    [Theory]
    [MemberData(nameof(Tokens))]
    public async Task Only_a_system_scope_reading_MeasureReport_gets_the_uptake_counts(string profile, HttpStatusCode expected)
    {
        using var client = server.CreateFhirClient(TokenFor(profile));

        using var report = await client.GetAsync($"Measure/patientvoice-uptake/$evaluate-measure?periodStart={Today}&periodEnd={Today}");
        using var measure = await client.GetAsync("Measure/patientvoice-uptake");

        foreach (var (response, type) in new[] { (report, "MeasureReport"), (measure, "Measure") })
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(expected == response.StatusCode, $"{profile}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
            using var json = JsonDocument.Parse(body);
            Assert.Equal(expected == HttpStatusCode.OK ? type : "OperationOutcome", json.RootElement.GetProperty("resourceType").GetString());
        }
    }

    [Theory]
    [InlineData("periodStart=2026-12-01", "periodEnd")]
    [InlineData("periodStart=2026-12-10&periodEnd=2026-12-01", "ends before it starts")]
    [InlineData("periodStart=2024-01-01&periodEnd=2026-12-01", "at most 53 weeks")]
    [InlineData("periodStart=yesterday&periodEnd=2026-12-01", "YYYY-MM-DD")]
    [InlineData("periodStart=2026-12-01&periodEnd=2026-12-01&reportType=subject-list", "summary")]
    [InlineData("periodStart=2026-12-01&periodEnd=2026-12-01&subject=Patient/uptake-alice", "clinic-wide")]
    public async Task A_bad_request_is_a_400_operation_outcome(string query, string says)
    {
        using var client = server.CreateFhirClient(FhirServerFixture.Token("system/MeasureReport.rs"));

        using var response = await client.GetAsync($"Measure/patientvoice-uptake/$evaluate-measure?{query}");

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"OperationOutcome\"", body, StringComparison.Ordinal);
        Assert.Contains(says, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_capability_statement_names_the_measure_and_its_operation()
    {
        using var client = server.CreateFhirClient(null);
        using var response = await client.GetAsync("metadata");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var measure = json.RootElement.GetProperty("rest")[0].GetProperty("resource").EnumerateArray().Single(r => r.GetProperty("type").GetString() == "Measure");
        var operation = measure.GetProperty("operation")[0];
        Assert.Equal("evaluate-measure", operation.GetProperty("name").GetString());
        Assert.Equal("http://hl7.org/fhir/OperationDefinition/Measure-evaluate-measure", operation.GetProperty("definition").GetString());
    }

    private static string Forged()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return TestTokens.Sign(TestTokens.Payload(TestTokens.Create(FhirServerFixture.Audience, "system/*.cruds")), other, TestTokens.KeyId);
    }
}
