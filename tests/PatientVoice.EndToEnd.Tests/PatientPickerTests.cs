using Microsoft.Playwright;
using PatientVoice.Testing.Portal;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>
/// A clinician starting PatientVoice standalone (no EHR patient context) asks for <c>launch/patient</c>: the sandbox's
/// patient picker chooses the patient, and PatientVoice opens that patient's clinician view.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class PatientPickerTests(PortalFixture fixture)
{
    [Fact]
    public async Task A_clinician_starting_standalone_picks_a_patient_at_the_ehr_and_lands_on_that_patients_summary()
    {
        var page = await fixture.NewPageAsync(width: 1280, height: 900);
        try
        {
            await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/launch/standalone?role=clinician&patient=choose").AbsoluteUri);

            // The sandbox EHR: sign in as a practitioner, pick the patient, allow access.
            await page.ArriveAsync(u => u.StartsWith(fixture.Stack.EhrUrl.AbsoluteUri + "login", StringComparison.Ordinal), "the EHR's sign-in page");
            await page.CheckAsync("input[name=Login][value=dr-silva]");
            await page.ClickAsync("button[type=submit]");
            await page.ArriveAsync(u => u.StartsWith(fixture.Stack.EhrUrl.AbsoluteUri + "patient-picker", StringComparison.Ordinal), "the EHR's patient picker");
            await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Choose the patient");
            await page.GetByLabel("Linda Johnson").CheckAsync();
            await page.ClickAsync("button[type=submit]");
            await page.ArriveAsync(u => u.StartsWith(fixture.Stack.EhrUrl.AbsoluteUri + "consent", StringComparison.Ordinal), "the EHR's consent page");
            Assert.Contains("launch/patient", await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);
            await page.ClickAsync("button[value=approve]");

            await page.ArriveAsync(u => new Uri(u).AbsolutePath == "/clinician", "the clinician page (/clinician)");
            var banner = page.Locator("section.banner");
            await Assertions.Expect(banner).ToContainTextAsync("Linda Johnson");
            await Assertions.Expect(banner).ToContainTextAsync("ID linda-johnson");
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }
}
