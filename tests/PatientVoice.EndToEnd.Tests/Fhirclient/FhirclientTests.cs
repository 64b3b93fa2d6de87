using System.Text.Json;
using Microsoft.Playwright;
using PatientVoice.Testing.Portal;

namespace PatientVoice.EndToEnd.Tests.Fhirclient;

[Collection(FhirclientCollection.Name)]
public sealed class FhirclientTests(FhirclientFixture fixture) : FhirclientJourneys(fixture);

[Collection(StrictFhirclientCollection.Name)]
public sealed class StrictFhirclientTests(StrictFhirclientFixture fixture) : FhirclientJourneys(fixture);

/// <summary>
/// The SMART JavaScript client (npm fhirclient 2.6.3, its browser build in chromium), a client we did not write,
/// against the sandbox: a standalone patient launch, EHR launches and a refresh, each reading the patient in context
/// from the sandbox's FHIR server with the token it was granted. Scopes name each type (no wildcard: strict refuses them)
/// with v1 <c>.read</c>, which both profiles grant.
/// </summary>
public abstract class FhirclientJourneys(FhirclientFixture fixture)
{
    private const string ClientId = "fhirclient-test-app";

    [Fact]
    public async Task A_standalone_patient_launch_signs_in_at_the_ehr_and_reads_the_patient_with_the_granted_token()
    {
        var page = await fixture.NewPageAsync();
        try
        {
            await page.GotoAsync(LaunchUrl(launch: null, "launch/patient openid fhirUser offline_access patient/Patient.read"));

            // The sandbox's own login and consent pages, as a patient sees them.
            await page.ArriveAsync(u => u.StartsWith(fixture.Sandbox.EhrUrl.AbsoluteUri + "login", StringComparison.Ordinal), "the EHR's sign-in page");
            await page.CheckAsync("input[name=Login][value=grace-williams]");
            await page.ClickAsync("button[type=submit]");
            await page.ArriveAsync(u => u.StartsWith(fixture.Sandbox.EhrUrl.AbsoluteUri + "consent", StringComparison.Ordinal), "the EHR's consent page");
            await page.ClickAsync("button[value=approve]");

            var result = await ResultAsync(page);
            Assert.Equal("grace-williams", result.GetProperty("patient").GetString());
            Assert.Equal("Williams", result.GetProperty("family").GetString());
            Assert.Equal("Patient/grace-williams", result.GetProperty("user").GetString());
            Assert.True(result.GetProperty("hasRefreshToken").GetBoolean());
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task An_ehr_launch_from_the_portal_reads_the_patient_the_ehr_named()
    {
        var page = await fixture.NewPageAsync();
        try
        {
            var launch = await fixture.Sandbox.CreateLaunchAsync(new { patient = "maria-garcia", user = "maria-garcia" });

            await page.GotoAsync(LaunchUrl(launch, "launch openid fhirUser offline_access patient/Patient.read"));

            var result = await ResultAsync(page);
            Assert.Equal("maria-garcia", result.GetProperty("patient").GetString());
            Assert.Equal("Patient/maria-garcia", result.GetProperty("user").GetString());
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    [Theory]
    [InlineData("maria-garcia", "launch openid fhirUser offline_access patient/Patient.read")]
    [InlineData("dr-patel", "launch openid fhirUser online_access user/Patient.read")]
    public async Task After_an_ehr_launch_client_refresh_gets_a_new_access_token_that_reads_the_patient(string user, string scope)
    {
        var page = await fixture.NewPageAsync();
        try
        {
            var launch = await fixture.Sandbox.CreateLaunchAsync(new { patient = "maria-garcia", user });
            await page.GotoAsync(LaunchUrl(launch, scope));
            var launched = await ResultAsync(page);
            Assert.True(launched.GetProperty("hasRefreshToken").GetBoolean());

            // fhirclient posts grant_type and refresh_token only (a public client has nothing else to send).
            var refreshed = await page.EvaluateAsync<JsonElement>(
                """
                async () => {
                  const client = window.smartClient;
                  const before = client.state.tokenResponse.access_token;
                  try {
                    await client.refresh();
                  } catch (error) {
                    return { error: error.message };
                  }
                  const after = client.state.tokenResponse.access_token;
                  const patient = await client.request("Patient/" + client.patient.id);
                  return { newToken: !!after && after !== before, patient: patient.id };
                }
                """);

            Assert.False(refreshed.TryGetProperty("error", out var error), "The refresh failed: " + error);
            Assert.True(refreshed.GetProperty("newToken").GetBoolean());
            Assert.Equal("maria-garcia", refreshed.GetProperty("patient").GetString());
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private string LaunchUrl(string? launch, string scope)
    {
        var query = $"iss={Uri.EscapeDataString(fixture.Sandbox.FhirBase)}&client_id={ClientId}&scope={Uri.EscapeDataString(scope)}";
        if (launch is not null)
        {
            query += "&launch=" + Uri.EscapeDataString(launch);
        }

        return new Uri(fixture.AppUrl, "/launch.html?" + query).AbsoluteUri;
    }

    /// <summary>What app.html shows once fhirclient has completed the launch and read the patient; fails with its error otherwise.</summary>
    private async Task<JsonElement> ResultAsync(IPage page)
    {
        await page.ArriveAsync(u => u.StartsWith(new Uri(fixture.AppUrl, "/app.html").AbsoluteUri, StringComparison.Ordinal), "the fhirclient app (/app.html)");
        await Assertions.Expect(page.Locator("#state")).Not.ToHaveTextAsync("completing");
        var state = await page.Locator("#state").TextContentAsync();
        var result = await page.Locator("#result").TextContentAsync();
        Assert.True(state == "ready", $"fhirclient did not complete the launch at {page.Url}: {result}");
        return JsonDocument.Parse(result!).RootElement.Clone();
    }
}
