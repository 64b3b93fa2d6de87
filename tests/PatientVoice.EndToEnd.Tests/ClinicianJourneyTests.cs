using System.Net.Http.Headers;
using System.Text;
using Microsoft.Playwright;
using PatientVoice.Testing.Portal;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>A clinician opens PatientVoice from the sandbox EHR (dr-patel) and hears the patient first.</summary>
[Collection(PortalCollection.Name)]
public sealed class ClinicianJourneyTests(PortalFixture fixture)
{
    [Fact]
    public async Task A_clinician_launched_from_the_ehr_reads_the_patients_words_first_as_text_and_can_mark_them_read()
    {
        const string Hostile = "<script>window.__pwned = 1</script> I feel dizzy <b>every</b> morning";
        await SubmitAsync("ahmed-hassan", Hostile);
        var launch = await fixture.Stack.PortalLaunchUrlAsync("ahmed-hassan", "dr-patel");
        var page = await fixture.NewPageAsync(width: 1280, height: 900);

        await page.GotoAsync(launch.AbsoluteUri.Replace("/launch?", "/launch/clinician?", StringComparison.Ordinal));
        await page.ArriveAsync("**/clinician");

        var main = page.Locator("main");
        Assert.Equal("In the patient's own words", await main.Locator("h1").InnerTextAsync());
        Assert.Equal("What they want to talk about (most important first)", await main.Locator("h2").First.InnerTextAsync());
        Assert.Equal("My new water pill makes me dizzy", await main.Locator("blockquote.words").First.InnerTextAsync());
        Assert.Contains(Hostile, await main.InnerTextAsync(), StringComparison.Ordinal);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__pwned === undefined"));
        IReadOnlyList<string> violations = await Axe.ViolationsAsync(page, "clinician view");
        Assert.True(violations.Count == 0, string.Join('\n', violations));

        await page.GetByRole(AriaRole.Button, new() { Name = "I have read this" }).ClickAsync();
        await page.ArriveAsync("**/clinician?done=read");
        Assert.Contains("Marked as read on", await page.Locator("#read").InnerTextAsync(), StringComparison.Ordinal);
        violations = await Axe.ViolationsAsync(page, "clinician view, marked read");
        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }

    [Fact]
    public async Task The_clinic_list_and_a_patient_opened_from_it_have_no_wcag_22_aa_violations_under_the_pages_content_security_policy()
    {
        var launch = await fixture.Stack.PortalLaunchUrlAsync("grace-williams", "dr-patel");
        var page = await fixture.NewPageAsync(width: 1280, height: 900);
        try
        {
            await page.GotoAsync(launch.AbsoluteUri.Replace("/launch?", "/launch/clinician?", StringComparison.Ordinal));
            await page.ArriveAsync("**/clinician");
            var violations = new List<string>();

            foreach (var list in new[] { "/clinician/clinic", "/clinician/clinic?all=true" })
            {
                await page.GotoAsync(new Uri(fixture.Stack.AppUrl, list).AbsoluteUri);
                await Assertions.Expect(page.Locator("main h1")).ToContainTextAsync("Appointments");
                violations.AddRange(await Axe.ViolationsAsync(page, "clinic list " + list));
            }

            var patients = page.Locator("main table a[href^='/clinician?patient=']");
            Assert.True(await patients.CountAsync() > 0, "The clinic list of every clinician's patients shows no patient.");
            await patients.First.ClickAsync();
            await page.ArriveAsync("**/clinician?patient=*");
            await Assertions.Expect(page.Locator("main h1")).ToHaveTextAsync("In the patient's own words");
            violations.AddRange(await Axe.ViolationsAsync(page, "clinician view from the clinic list"));

            Assert.True(violations.Count == 0, string.Join('\n', violations));
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    private async Task SubmitAsync(string patient, string worry)
    {
        var json = File.ReadAllText(Path.Combine(PatientVoice.Testing.RepositoryPaths.CompletedResponses, "before-your-visit.json"))
            .Replace("\"id\": \"before-your-visit-completed\",", string.Empty, StringComparison.Ordinal)
            .Replace("Patient/example-patient", "Patient/" + patient, StringComparison.Ordinal)
            .Replace("RelatedPerson/example-daughter", "Patient/" + patient, StringComparison.Ordinal)
            .Replace("\"Falling at home\"", System.Text.Json.JsonSerializer.Serialize(worry), StringComparison.Ordinal)
            .Replace("\"code\": \"family-or-friend\"", "\"code\": \"self\"", StringComparison.Ordinal)
            .Replace("\"A family member or friend, for me\"", "\"Me\"", StringComparison.Ordinal);
        using var fhir = fixture.Stack.FhirClient();
        using var content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/fhir+json"));
        using var response = await fhir.PostAsync("QuestionnaireResponse", content);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }
}
