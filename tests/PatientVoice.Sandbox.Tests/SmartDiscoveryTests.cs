using System.Net;
using System.Text.Json;

namespace PatientVoice.Sandbox.Tests;

public sealed class SmartDiscoveryTests(SandboxFactory factory) : IClassFixture<SandboxFactory>
{
    [Fact]
    public async Task Smart_configuration_is_json_with_absolute_urls_and_S256_only()
    {
        var response = await factory.CreateBrowserlessClient().GetAsync("/fhir/.well-known/smart-configuration");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        foreach (var endpoint in new[] { "issuer", "jwks_uri", "authorization_endpoint", "token_endpoint", "introspection_endpoint", "revocation_endpoint" })
        {
            Assert.True(Uri.TryCreate(root.GetProperty(endpoint).GetString(), UriKind.Absolute, out _), endpoint);
        }

        Assert.Equal(["S256"], root.GetProperty("code_challenge_methods_supported").EnumerateArray().Select(e => e.GetString()));
        var capabilities = root.GetProperty("capabilities").EnumerateArray().Select(e => e.GetString()).ToHashSet();
        foreach (var capability in new[] { "launch-ehr", "launch-standalone", "client-public", "client-confidential-symmetric", "context-ehr-patient",
                     "context-ehr-encounter", "context-standalone-patient", "permission-patient", "permission-user", "permission-v2",
                     "permission-offline", "sso-openid-connect", "context-banner", "context-style", "authorize-post" })
        {
            Assert.Contains(capability, capabilities);
        }

        var scopes = root.GetProperty("scopes_supported").EnumerateArray().Select(e => e.GetString()).ToHashSet();
        Assert.Contains("launch/patient", scopes);
        Assert.Contains("offline_access", scopes);
        Assert.Contains("response_types_supported", root.EnumerateObject().Select(p => p.Name));
        Assert.Contains("grant_types_supported", root.EnumerateObject().Select(p => p.Name));
        Assert.Contains("token_endpoint_auth_methods_supported", root.EnumerateObject().Select(p => p.Name));
    }
}
