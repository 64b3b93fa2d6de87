using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using PatientVoice.Testing.Portal;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>Times a patient or a clinician reads are in their own time zone (the browser's), not UTC.</summary>
[Collection(PortalCollection.Name)]
public sealed class LocalTimeTests(PortalFixture fixture)
{
    private const string Patient = "thomas-mueller";
    private const string Zone = "America/Chicago";
    private static readonly TimeZoneInfo Chicago = TimeZoneInfo.FindSystemTimeZoneById(Zone);

    [Fact]
    public async Task In_chicago_the_patient_and_the_clinician_read_times_in_chicago_time()
    {
        var responseId = await SubmitCarePreferencesAsync();

        var clinician = await fixture.NewPageAsync(width: 1280, height: 900, timezoneId: Zone);
        try
        {
            var launch = await fixture.Stack.PortalLaunchUrlAsync(Patient, "dr-patel");
            await clinician.GotoAsync(launch.AbsoluteUri.Replace("/launch?", "/launch/clinician?", StringComparison.Ordinal));
            await clinician.ArriveAsync("**/clinician");
            await clinician.GetByRole(AriaRole.Button, new() { Name = "I have read this" }).ClickAsync();
            await clinician.ArriveAsync("**/clinician?done=read");
            await AssertChicagoAsync(clinician.Locator("#read time"), withClock: true, "clinician: marked as read");
            await AssertChicagoAsync(clinician.Locator("main > p.muted time").First, withClock: false, "clinician: shared on");
        }
        finally
        {
            await clinician.Context.CloseAsync();
        }

        var page = await fixture.LaunchAsync(Patient, Patient, timezoneId: Zone);
        try
        {
            await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient").AbsoluteUri);
            await AssertChicagoAsync(page.Locator($"#pv-shared-{responseId} p.small time"), withClock: true, "patient home: shared");
            await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/my-copy").AbsoluteUri);
            await AssertChicagoAsync(page.Locator("article.submission h3 time").First, withClock: true, "patient my copy: submission");
            await AssertChicagoAsync(page.Locator("main p.lead time"), withClock: false, "patient my copy: as of");
            // The PDF is written by the server: the page tells it the browser's zone, and the PDF says it.
            var pdfLink = page.GetByRole(AriaRole.Link, new() { Name = "Download as PDF" });
            await Assertions.Expect(pdfLink).ToHaveAttributeAsync("href", new System.Text.RegularExpressions.Regex("[?&]tz=America%2FChicago(&|$)"));
            await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/patient/preferences").AbsoluteUri);
            await AssertChicagoAsync(page.Locator("main time").First, withClock: false, "patient my preferences: statement date");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    // The element's instant (its datetime attribute, UTC) must read as Chicago's date (and clock time, with the zone's name).
    private static async Task AssertChicagoAsync(ILocator time, bool withClock, string what)
    {
        await Assertions.Expect(time).ToHaveAttributeAsync("data-local-done", "true");
        var instant = DateTimeOffset.Parse((await time.GetAttributeAsync("datetime"))!, CultureInfo.InvariantCulture);
        var local = TimeZoneInfo.ConvertTime(instant, Chicago);
        var text = await time.InnerTextAsync();
        Assert.True(instant.Offset == TimeSpan.Zero, $"{what}: the datetime attribute is not UTC: {instant:o}");
        Assert.DoesNotContain("UTC", text, StringComparison.Ordinal);
        Assert.Contains(local.Day.ToString(CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        Assert.Contains(local.Year.ToString(CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        if (withClock)
        {
            var zone = Chicago.IsDaylightSavingTime(local) ? "CDT" : "CST";
            var clock12 = local.ToString("h:mm", CultureInfo.InvariantCulture);
            var clock24 = local.ToString("HH:mm", CultureInfo.InvariantCulture);
            Assert.True(text.Contains(clock12, StringComparison.Ordinal) || text.Contains(clock24, StringComparison.Ordinal), $"{what}: \"{text}\" does not show Chicago's {clock24} for {instant:o}");
            Assert.Contains(zone, text, StringComparison.Ordinal);
            Assert.DoesNotContain(instant.ToString("HH:mm", CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
        }
    }

    private async Task<string> SubmitCarePreferencesAsync()
    {
        var json = File.ReadAllText(Path.Combine(PatientVoice.Testing.RepositoryPaths.CompletedResponses, "my-care-preferences.json"))
            .Replace("\"id\": \"care-preferences-completed\",", string.Empty, StringComparison.Ordinal)
            .Replace("Patient/example-patient", "Patient/" + Patient, StringComparison.Ordinal);
        using var fhir = fixture.Stack.FhirClient();
        using var content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/fhir+json"));
        using var response = await fhir.PostAsync("QuestionnaireResponse", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var created = JsonDocument.Parse(body);
        return created.RootElement.GetProperty("id").GetString()!;
    }
}
