using System.Net;
using System.Text.Json;
using Microsoft.Playwright;
using PatientVoice.Testing.Portal;

namespace PatientVoice.EndToEnd.Tests.Fhirclient;

/// <summary>
/// npm fhirclient (a client we did not write) launched against PatientVoice's own FHIR API: it discovers the sandbox
/// through PatientVoice's <c>.well-known/smart-configuration</c> (cross-origin, as a browser app does), the patient signs
/// in and consents at the sandbox, and the token the sandbox issues for PatientVoice's audience reads the patient's goals.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class FhirclientPatientVoiceApiTests(PortalFixture fixture)
{
    [Fact]
    public async Task A_standalone_launch_against_patientvoices_api_reads_the_patients_goals_with_a_token_from_the_sandbox()
    {
        using var fhir = fixture.Stack.FhirClient();
        var goal = await fhir.PostAsync("Goal", new StringContent(
            """{"resourceType":"Goal","lifecycleStatus":"proposed","category":[{"coding":[{"system":"http://loinc.org","code":"87528-6","display":"Personal health goal"}]}],"description":{"text":"Swim on Sundays"},"subject":{"reference":"Patient/grace-williams"},"expressedBy":{"reference":"Patient/grace-williams"}}""",
            System.Text.Encoding.UTF8, "application/fhir+json"));
        Assert.Equal(HttpStatusCode.Created, goal.StatusCode);
        await using var app = await FhirclientApp.StartAsync();
        var page = await fixture.NewPageAsync(width: 1280, height: 900);
        try
        {
            var iss = new Uri(fixture.Stack.AppUrl, "/fhir").AbsoluteUri;
            var query = $"iss={Uri.EscapeDataString(iss)}&client_id=fhirclient-test-app&scope={Uri.EscapeDataString("launch/patient openid fhirUser patient/Goal.read")}"
                + "&read=" + Uri.EscapeDataString("Goal?patient=Patient/{patient}");
            await page.GotoAsync(new Uri(app.BaseAddress, "/launch.html?" + query).AbsoluteUri);

            await page.ArriveAsync(u => u.StartsWith(fixture.Stack.EhrUrl.AbsoluteUri + "login", StringComparison.Ordinal), "the EHR's sign-in page");
            await page.CheckAsync("input[name=Login][value=grace-williams]");
            await page.ClickAsync("button[type=submit]");
            await page.ArriveAsync(u => u.StartsWith(fixture.Stack.EhrUrl.AbsoluteUri + "consent", StringComparison.Ordinal), "the EHR's consent page");
            await page.ClickAsync("button[value=approve]");

            await page.ArriveAsync(u => u.StartsWith(new Uri(app.BaseAddress, "/app.html").AbsoluteUri, StringComparison.Ordinal), "the fhirclient app (/app.html)");
            await Assertions.Expect(page.Locator("#state")).Not.ToHaveTextAsync("completing");
            var result = JsonDocument.Parse((await page.Locator("#result").TextContentAsync())!).RootElement;
            Assert.True(await page.Locator("#state").TextContentAsync() == "ready", "fhirclient did not read PatientVoice's API: " + result);
            Assert.Equal(iss, result.GetProperty("server").GetString());
            Assert.Equal("grace-williams", result.GetProperty("patient").GetString());
            Assert.Equal("Bundle", result.GetProperty("resourceType").GetString());
            Assert.True(result.GetProperty("entries").GetInt32() >= 1, "The patient's goal was not in what PatientVoice answered: " + result);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
