using System.Net;

namespace PatientVoice.Sandbox.Tests;

/// <summary>Browser apps on other origins read the discovery documents and key sets (SMART App Launch 2.2 §CORS).</summary>
[Collection(SharedSandboxCollection.Name)]
public sealed class SmartCorsTests(SandboxFactory factory)
{
    [Theory]
    [InlineData("/fhir/.well-known/smart-configuration")]
    [InlineData("/.well-known/openid-configuration")]
    [InlineData("/.well-known/jwks")]
    [InlineData("/cds-hooks/jwks")]
    public async Task A_discovery_document_allows_any_origin(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Origin", "https://app.example.org");

        var response = await factory.CreateBrowserlessClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    [Fact]
    public async Task A_preflight_for_the_smart_configuration_is_answered()
    {
        using var request = new HttpRequestMessage(HttpMethod.Options, "/fhir/.well-known/smart-configuration");
        request.Headers.Add("Origin", "https://app.example.org");
        request.Headers.Add("Access-Control-Request-Method", "GET");

        var response = await factory.CreateBrowserlessClient().SendAsync(request);

        Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
    }

    [Theory]
    [InlineData("/connect/token", "POST")]
    [InlineData("/fhir/Patient/maria-garcia", "GET")]
    public async Task A_browser_app_may_call_the_token_endpoint_and_the_fhir_api_from_another_origin_without_credentials(string path, string method)
    {
        // SMART 2.2: token requests and FHIR interactions of purely browser-based apps (npm fhirclient) are CORS-enabled.
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", "https://app.example.org");
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "authorization,content-type");

        var response = await factory.CreateBrowserlessClient().SendAsync(request);

        Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
        Assert.Equal("*", Assert.Single(response.Headers.GetValues("Access-Control-Allow-Origin")));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Theory]
    [InlineData("/connect/introspect")]
    [InlineData("/connect/revoke")]
    [InlineData("/connect/authorize")]
    public async Task Introspection_revocation_and_the_authorize_endpoint_do_not_invite_cross_origin_calls(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent([]) };
        request.Headers.Add("Origin", "https://app.example.org");

        var response = await factory.CreateBrowserlessClient().SendAsync(request);

        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
    }
}
