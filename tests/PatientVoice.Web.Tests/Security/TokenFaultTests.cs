using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.Security;

/// <summary>
/// Tokens that must not open the FHIR API, each on a read, a search and a create: 401, a
/// <c>WWW-Authenticate: Bearer</c> challenge, an OperationOutcome, and nothing of the patient's data.
/// </summary>
[Collection(FhirServerCollection.Name)]
public sealed class TokenFaultTests(FhirServerFixture server)
{
    private const string Scope = "system/*.cruds";

    public static TheoryData<string, string> Cases()
    {
        var data = new TheoryData<string, string>();
        foreach (var fault in Faults.Keys)
        {
            foreach (var request in new[] { "read", "search", "create", "transaction" })
            {
                data.Add(fault, request);
            }
        }

        return data;
    }

    private static readonly Dictionary<string, Func<string>> Faults = new()
    {
        ["no token"] = () => string.Empty,
        ["expired"] = () => TestTokens.Create(FhirServerFixture.Audience, Scope, expires: DateTimeOffset.UtcNow.AddMinutes(-10), notBefore: DateTimeOffset.UtcNow.AddMinutes(-40)),
        ["not yet valid"] = () => TestTokens.Create(FhirServerFixture.Audience, Scope, notBefore: DateTimeOffset.UtcNow.AddMinutes(10), expires: DateTimeOffset.UtcNow.AddMinutes(40)),
        ["wrong audience"] = () => TestTokens.Create("http://localhost:5100/fhir", Scope),
        ["wrong issuer"] = () => TestTokens.Create(FhirServerFixture.Audience, Scope, issuer: "https://attacker.example/"),
        ["trusted issuer, key it does not publish"] = () =>
        {
            using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            return TestTokens.Sign(TestTokens.Payload(TestTokens.Create(FhirServerFixture.Audience, Scope)), other, TestTokens.KeyId);
        },
        ["alg none"] = () => TestTokens.Unsigned(TestTokens.Payload(TestTokens.Create(FhirServerFixture.Audience, Scope))),
        ["tampered payload"] = () =>
        {
            var token = TestTokens.Create(FhirServerFixture.Audience, "patient/Goal.rs", patient: MatrixData.Own);
            var payload = TestTokens.Payload(token);
            payload["scope"] = Scope;
            return TestTokens.WithPayload(token, payload);
        },
        ["HS256 signed with the public key"] = () => TestTokens.HmacWithPublicKey(TestTokens.Payload(TestTokens.Create(FhirServerFixture.Audience, Scope)), TestTokens.Jwks),
        ["HS256 signed with the public key's x coordinate"] = () =>
        {
            var x = JsonNode.Parse(TestTokens.Jwks)!["keys"]![0]!["x"]!.GetValue<string>();
            return TestTokens.HmacWithPublicKey(TestTokens.Payload(TestTokens.Create(FhirServerFixture.Audience, Scope)), x);
        },
        ["no expiry"] = () =>
        {
            var payload = TestTokens.Payload(TestTokens.Create(FhirServerFixture.Audience, Scope));
            payload.Remove("exp");
            return TestTokens.Sign(payload);
        },
        ["not a JWT"] = () => "not-a-jwt",
        ["signature cut off"] = () =>
        {
            var parts = TestTokens.Create(FhirServerFixture.Audience, Scope).Split('.');
            return $"{parts[0]}.{parts[1]}.";
        },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_faulty_token_is_a_401_challenge_with_an_OperationOutcome_and_no_data(string fault, string request)
    {
        var data = await MatrixData.GetAsync(server);
        var token = Faults[fault]();
        using var client = server.CreateFhirClient(token.Length == 0 ? null : token);
        var before = await GoalCountAsync();

        using var response = request switch
        {
            "read" => await client.GetAsync($"Goal/{data.OtherGoal}"),
            "search" => await client.GetAsync($"Goal?patient=Patient/{MatrixData.Other}"),
            "create" => await client.PostAsync("Goal", FhirJson.Content(MatrixData.Goal(MatrixData.Other))),
            _ => await client.PostAsync(string.Empty, FhirJson.Content(new Hl7.Fhir.Model.Bundle
            {
                Type = Hl7.Fhir.Model.Bundle.BundleType.Transaction,
                Entry = [new() { Resource = MatrixData.Goal(MatrixData.Other), Request = new() { Method = Hl7.Fhir.Model.Bundle.HTTPVerb.POST, Url = "Goal" } }],
            })),
        };
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Bearer", challenge.Scheme);
        Assert.Contains("realm=", challenge.Parameter, StringComparison.Ordinal);
        if (token.Length > 0)
        {
            Assert.Contains("error=\"invalid_token\"", challenge.Parameter, StringComparison.Ordinal);
        }

        using var json = JsonDocument.Parse(body);
        Assert.Equal("OperationOutcome", json.RootElement.GetProperty("resourceType").GetString());
        Assert.DoesNotContain(MatrixData.OtherMarker, body, StringComparison.Ordinal);
        Assert.DoesNotContain(MatrixData.Other, body, StringComparison.Ordinal);
        Assert.Equal(before, await GoalCountAsync());
    }

    private async Task<int?> GoalCountAsync()
    {
        using var admin = server.CreateFhirClient();
        var bundle = await FhirJson.ReadAsync<Hl7.Fhir.Model.Bundle>(await admin.GetAsync($"Goal?patient=Patient/{MatrixData.Other}&_summary=count"));
        return bundle.Total;
    }
}
