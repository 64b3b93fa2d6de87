using System.Net;
using System.Net.Http.Headers;

namespace PatientVoice.Web.Tests.Site;

/// <summary>What someone who opens PatientVoice's address meets: a page that says what it is and where to go, a favicon, and the licences as a page.</summary>
[Collection(FhirServerCollection.Name)]
public sealed class SitePagesTests(FhirServerFixture server)
{
    [Theory]
    [InlineData("en", "your voice in your medical record")]
    [InlineData("es", "su voz en su historia clínica")]
    public async Task The_root_explains_patientvoice_and_points_patients_clinicians_and_integrators_on_in_their_language(string language, string heading)
    {
        using var client = server.CreateClient(new() { AllowAutoRedirect = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.AcceptLanguage.Add(new StringWithQualityHeaderValue(language));

        using var response = await client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(heading, WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        Assert.Contains("href=\"/clinician/clinic\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/fhir/metadata\"", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/swagger\"", html, StringComparison.Ordinal);
        Assert.Contains($"lang=\"{language}\"", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_favicon_is_an_icon()
    {
        using var response = await server.CreateClient().GetAsync("/favicon.ico");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/x-icon", response.Content.Headers.ContentType?.MediaType);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(new byte[] { 0, 0, 1, 0 }, bytes[..4]); // the ICO header: reserved 0, type 1 (icon)
    }

    [Fact]
    public async Task The_licences_are_a_page_with_the_lhc_forms_licence_text()
    {
        using var response = await server.CreateClient().GetAsync("/licences");
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("LHC-Forms", html, StringComparison.Ordinal);
        Assert.Contains("<pre", html, StringComparison.Ordinal);
        Assert.True(html.Length > 1500, "The licence text is missing.");
    }
}
