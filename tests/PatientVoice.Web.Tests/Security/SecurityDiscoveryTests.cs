using System.Net;
using System.Text.Json;
using Hl7.Fhir.Model;
using PatientVoice.Testing;

namespace PatientVoice.Web.Tests.Security;

/// <summary>What a client finds before it has a token: the CapabilityStatement and the SMART configuration, both open.</summary>
[Collection(FhirServerCollection.Name)]
public sealed class SecurityDiscoveryTests(FhirServerFixture server)
{
    private readonly HttpClient _anonymous = server.CreateFhirClient(accessToken: null);

    [Fact]
    public async Task The_capability_statement_is_open_and_advertises_the_SMART_service_with_its_oauth_uris()
    {
        var response = await _anonymous.GetAsync("metadata");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var security = (await FhirJson.ReadAsync<CapabilityStatement>(response)).Rest[0].Security;
        Assert.Contains(security.Service, s => s.Coding.Any(c => c.System == "http://terminology.hl7.org/CodeSystem/restful-security-service" && c.Code == "SMART-on-FHIR"));
        var uris = security.GetExtension("http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris");
        Assert.Equal("http://localhost:5100/connect/authorize", ((FhirUri)uris.GetExtension("authorize").Value).Value);
        Assert.Equal("http://localhost:5100/connect/token", ((FhirUri)uris.GetExtension("token").Value).Value);
    }

    [Fact]
    public async Task The_capability_statement_offers_the_audit_trail_for_reading_and_searching_only()
    {
        var statement = await FhirJson.ReadAsync<CapabilityStatement>(await _anonymous.GetAsync("metadata"));

        var audit = statement.Rest[0].Resource.Single(r => r.Type == "AuditEvent");
        Assert.DoesNotContain(audit.Interaction, i => i.Code is CapabilityStatement.TypeRestfulInteraction.Create or CapabilityStatement.TypeRestfulInteraction.Update or CapabilityStatement.TypeRestfulInteraction.Delete);
        Assert.Contains(audit.Interaction, i => i.Code == CapabilityStatement.TypeRestfulInteraction.SearchType);
    }

    [Fact]
    public async Task The_smart_configuration_is_open_and_names_the_trusted_authorization_servers()
    {
        var response = await _anonymous.GetAsync(".well-known/smart-configuration");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal("http://localhost:5100/", root.GetProperty("issuer").GetString());
        Assert.Equal("http://localhost:5100/.well-known/jwks", root.GetProperty("jwks_uri").GetString());
        Assert.Equal("http://localhost:5100/connect/token", root.GetProperty("token_endpoint").GetString());
        Assert.Contains("permission-v2", root.GetProperty("capabilities").EnumerateArray().Select(c => c.GetString()));
        Assert.Contains("S256", root.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(c => c.GetString()));
        var issuers = root.GetProperty("patientvoice_trusted_issuers").EnumerateArray().Select(i => i.GetProperty("issuer").GetString()).ToList();
        Assert.Contains("http://localhost:5100/", issuers);
        Assert.Contains(TestTokens.Issuer, issuers);
    }

    [Theory]
    [InlineData("GET", "Goal")]
    [InlineData("GET", "Goal/anything")]
    [InlineData("GET", "_history")]
    [InlineData("POST", "")]
    [InlineData("GET", "NoSuchType/1")]
    [InlineData("GET", "AuditEvent")]
    public async Task Everything_else_under_fhir_needs_a_token(string method, string path)
    {
        var response = await _anonymous.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = method == "POST" ? FhirJson.Content("{}") : null });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Assert.Single(response.Headers.WwwAuthenticate).Scheme);
    }

    [Fact]
    public async Task Pages_outside_fhir_do_not_get_the_bearer_challenge()
    {
        var response = await server.CreateClient().GetAsync("/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(response.Headers.WwwAuthenticate);
    }
}
