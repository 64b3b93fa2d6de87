using System.Net;

namespace PatientVoice.Web.Tests.Security;

/// <summary>
/// The FHIR API answers browsers on other origins as its CapabilityStatement says (<c>security.cors</c>): preflights for
/// a bearer-token write, the headers a FHIR client reads exposed, never credentials; the cookie-session pages get none.
/// </summary>
public sealed class FhirApiCorsTests(FhirServerFixture server) : IClassFixture<FhirServerFixture>
{
    private const string Origin = "https://app.example.org";

    [Fact]
    public async Task A_preflight_for_a_bearer_token_write_is_allowed_without_credentials_or_a_token()
    {
        var client = server.CreateClient();
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/fhir/Goal");
        preflight.Headers.Add("Origin", Origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization, content-type");

        using var response = await client.SendAsync(preflight);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("*", Single(response, "Access-Control-Allow-Origin"));
        Assert.Contains("POST", Single(response, "Access-Control-Allow-Methods"), StringComparison.Ordinal);
        Assert.Contains("authorization", Single(response, "Access-Control-Allow-Headers"), StringComparison.OrdinalIgnoreCase);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    [Fact]
    public async Task Fhir_responses_to_another_origin_expose_what_a_fhir_client_reads_and_pages_expose_nothing()
    {
        var client = server.CreateFhirClient();
        using var created = new HttpRequestMessage(HttpMethod.Post, "Goal") { Content = FhirJson.Content(FhirJson.Goal("cors-" + Guid.NewGuid().ToString("N")[..8], "Walk by the river")) };
        created.Headers.Add("Origin", Origin);
        using var metadata = new HttpRequestMessage(HttpMethod.Get, "/fhir/.well-known/smart-configuration");
        metadata.Headers.Add("Origin", Origin);
        using var page = new HttpRequestMessage(HttpMethod.Get, "/patient");
        page.Headers.Add("Origin", Origin);

        using var write = await client.SendAsync(created);
        using var discovery = await server.CreateClient().SendAsync(metadata);
        using var patientPage = await server.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false }).SendAsync(page);

        Assert.Equal(HttpStatusCode.Created, write.StatusCode);
        Assert.Equal("*", Single(write, "Access-Control-Allow-Origin"));
        Assert.Contains("Location", Single(write, "Access-Control-Expose-Headers"), StringComparison.Ordinal);
        Assert.Contains("ETag", Single(write, "Access-Control-Expose-Headers"), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, discovery.StatusCode);
        Assert.Equal("*", Single(discovery, "Access-Control-Allow-Origin"));
        Assert.False(patientPage.Headers.Contains("Access-Control-Allow-Origin"));
    }

    private static string Single(HttpResponseMessage response, string header)
        => Assert.Single(response.Headers.TryGetValues(header, out var values) ? values : []);
}
