using Microsoft.Playwright;
using PatientVoice.Testing.Portal;

namespace PatientVoice.EndToEnd.Tests;

/// <summary>
/// Reaching the patients portals miss, from the EHR (issue 18, docs/adr/0030): a medical assistant launched from the
/// patient's chart answers the pre-visit form with the patient, in the patient's language, and the clinician reads
/// "Answered with help from Alex Rivera"; a clinician makes a one-time link on the same page, and the patient opens it
/// on a phone and answers. Debian's chromium against the sandbox EHR, with the pages' Content-Security-Policy in force.
/// </summary>
[Collection(PortalCollection.Name)]
public sealed class StaffAssistedJourneyTests(PortalFixture fixture)
{
    [Fact]
    public async Task A_medical_assistant_answers_with_the_patient_in_spanish_and_the_clinician_reads_who_helped_by_name()
    {
        var page = await ClinicianPageAsync("rosa-hernandez", "ma-rivera");
        var violations = new List<string>(await Axe.ViolationsAsync(page, "clinician view with answer and link sections"));

        await page.ClickAsync("#answer-with-patient-link");
        await page.ArriveAsync("**/patient/questionnaire/before-your-visit");
        await fixture.FormReadyAsync(page);
        // Rosa reads Spanish (the EHR says so): the questions the assistant reads aloud are in her language.
        await Assertions.Expect(page.Locator("html")).ToHaveAttributeAsync("lang", "es");
        await Assertions.Expect(page.Locator("#pv-who")).ToContainTextAsync("Usted escribe por Rosa Hernández");
        violations.AddRange(await Axe.ViolationsAsync(page, "form typed by staff"));

        var words = "Quiero quedarme en casa con mi hijo " + Guid.NewGuid().ToString("N")[..6];
        await page.Locator("#pv-form textarea[id^='visit-hopes/']").FillAsync(words);
        await Assertions.Expect(page.Locator("#pv-save-state")).ToContainTextAsync("Guardado", new() { Timeout = 15_000 });
        await page.ClickAsync("#pv-review");
        await page.ArriveAsync("**/review");
        await fixture.SendAsync(page);
        await Assertions.Expect(page.Locator("main")).ToContainTextAsync("El equipo verá que usted ayudó");
        violations.AddRange(await Axe.ViolationsAsync(page, "sent, typed by staff"));

        await page.ClickAsync("#pv-back-to-clinician");
        await page.ArriveAsync("**/clinician");
        await Assertions.Expect(page.Locator("#visit")).ToContainTextAsync(words);
        await Assertions.Expect(page.Locator("#visit")).ToContainTextAsync("Answered with help from Alex Rivera");

        // The clinician who sees Rosa next reads the same, by name.
        var clinician = await ClinicianPageAsync("rosa-hernandez", "dr-silva");
        await Assertions.Expect(clinician.Locator("#visit")).ToContainTextAsync(words);
        await Assertions.Expect(clinician.Locator("#visit .badge-staff-helped").First).ToContainTextAsync("Answered with help from Alex Rivera");
        violations.AddRange(await Axe.ViolationsAsync(clinician, "clinician view, answered with staff help"));

        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }

    [Fact]
    public async Task A_link_made_on_the_clinician_page_opens_on_the_patients_phone_in_spanish_after_the_birth_date_the_ehr_holds()
    {
        var page = await ClinicianPageAsync("carlos-mendoza", "dr-nguyen");
        // Carlos prefers Spanish in the EHR: the form's language starts there.
        await Assertions.Expect(page.Locator("#invite input[name=language][value=es]")).ToBeCheckedAsync();
        await Assertions.Expect(page.Locator("#invite input[name=check][value=birth-date]")).ToBeCheckedAsync();
        await page.FillAsync("#invite-clinic", "Clínica del Río");
        await page.ClickAsync("#invite-create");
        await Assertions.Expect(page.Locator("#invite-created[role=status]")).ToBeVisibleAsync();
        var url = await page.InputValueAsync("#invite-url");
        Assert.Matches("/i/[A-Za-z0-9_-]{24}$", url);
        Assert.Contains(url, await page.InputValueAsync("#invite-message"), StringComparison.Ordinal);
        Assert.Contains("Clínica del Río: antes de su visita", await page.InputValueAsync("#invite-message"), StringComparison.Ordinal);
        var violations = new List<string>(await Axe.ViolationsAsync(page, "clinician view, link made"));

        var phone = await fixture.NewPageAsync("en-US", width: 320, height: 640);
        var opened = await phone.GotoAsync(url);
        Assert.Equal(200, opened!.Status);
        await Assertions.Expect(phone.Locator("#pv-visit")).ToContainTextAsync("Clínica del Río");
        await phone.FillAsync("#pv-day", "8");
        await phone.FillAsync("#pv-month", "7");
        await phone.FillAsync("#pv-year", "1990");
        await phone.ClickAsync("#pv-continue");
        await phone.ArriveAsync("**/patient/questionnaire/**");
        await fixture.FormReadyAsync(phone);
        await Assertions.Expect(phone.Locator("html")).ToHaveAttributeAsync("lang", "es");
        var words = "Preguntar por la PrEP para mi pareja " + Guid.NewGuid().ToString("N")[..6];
        await phone.Locator("#pv-form textarea[id^='visit-hopes/']").FillAsync(words);
        await Assertions.Expect(phone.Locator("#pv-save-state")).ToContainTextAsync("Guardado", new() { Timeout = 15_000 });
        await phone.ClickAsync("#pv-review");
        await phone.ArriveAsync("**/review");
        await fixture.SendAsync(phone);

        // Back on the clinician page: the patient's words, and the link spent.
        await page.GotoAsync(new Uri(fixture.Stack.AppUrl, "/clinician").AbsoluteUri);
        await Assertions.Expect(page.Locator("#visit")).ToContainTextAsync(words);
        await Assertions.Expect(page.Locator("#invite .invitations")).ToContainTextAsync("Answers sent");
        violations.AddRange(await Axe.ViolationsAsync(page, "clinician view with a spent link"));

        Assert.True(violations.Count == 0, string.Join('\n', violations));
    }

    private async Task<IPage> ClinicianPageAsync(string patient, string user)
    {
        var launch = await fixture.Stack.PortalLaunchUrlAsync(patient, user);
        var page = await fixture.NewPageAsync(width: 1280, height: 900);
        await page.GotoAsync(launch.AbsoluteUri.Replace("/launch?", "/launch/clinician?", StringComparison.Ordinal));
        await page.ArriveAsync("**/clinician");
        return page;
    }
}
