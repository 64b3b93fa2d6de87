using Hl7.Fhir.Model;
using PatientVoice.Application.Submit;
using PatientVoice.Web.Patients;
using PatientVoice.Web.Tests.Launch;

namespace PatientVoice.Web.Tests.Patients;

/// <summary>
/// The patient pages' language: the person's own choice (the <c>lang</c> cookie), else the patient's preferred
/// language in the EHR (<c>Patient.communication</c> marked preferred), else the browser's.
/// </summary>
[Collection(LaunchCollection.Name)]
public sealed class PatientLanguageTests(LaunchFixture fixture)
{
    [Fact]
    public async Task A_patient_whose_ehr_record_prefers_spanish_gets_spanish_in_an_english_browser_until_they_choose_english()
    {
        using var browser = new TestBrowser { AcceptLanguage = "en-US,en;q=0.9" };

        var first = await PatientPages.LaunchAsync(fixture, browser, "maria-garcia", "maria-garcia");
        Assert.Equal("es", first.Lang);
        Assert.Contains("Antes de su visita", first.Text, StringComparison.Ordinal);

        var chosen = await PatientPages.GetAsync(fixture, browser, "/patient/language?culture=en&returnUrl=%2Fpatient%2Fgoals");
        Assert.Equal("/patient/goals", chosen.Url.AbsolutePath);
        Assert.Equal("en", chosen.Lang);
        Assert.Equal("en", browser.Cookie(fixture.AppUrl, "lang"));
        // Remembered on every page after.
        Assert.Equal("en", (await PatientPages.GetAsync(fixture, browser, "/patient")).Lang);
    }

    [Fact]
    public async Task The_ehrs_preferred_language_comes_before_the_browsers_and_the_browser_decides_when_the_ehr_cannot_say()
    {
        // A regional tag alone, as Safari sends it.
        using var browser = new TestBrowser { AcceptLanguage = "es-MX" };

        // Robert Chen's record prefers English.
        var home = await PatientPages.LaunchAsync(fixture, browser, "robert-chen", "robert-chen");
        Assert.Equal("en", home.Lang);

        await fixture.Sandbox.TurnFaultOnAsync("unavailable", 60);
        try
        {
            var withoutEhr = await PatientPages.GetAsync(fixture, browser, "/patient");
            Assert.Equal("es", withoutEhr.Lang);
            Assert.Contains("No pudimos obtener los datos de su visita", withoutEhr.Text, StringComparison.Ordinal);
        }
        finally
        {
            await fixture.Sandbox.TurnFaultsOffAsync();
        }

        Assert.Equal("en", (await PatientPages.GetAsync(fixture, browser, "/patient")).Lang);
    }

    public static TheoryData<string, Patient?, string?> Records() => new()
    {
        { "no record", null, null },
        { "no communication", new Patient(), null },
        { "Spanish, preferred", With(("es", true)), "es" },
        { "a regional tag", With(("es-MX", true)), "es" },
        { "English, preferred", With(("en-US", true)), "en" },
        { "listed but not marked preferred", With(("es", null)), null },
        { "marked not preferred", With(("es", false)), null },
        { "the preferred one, not the first listed", With(("en", false), ("es", true)), "es" },
        { "a preferred language the pages do not speak, then one they do", With(("fr", true), ("es", true)), "es" },
        { "only languages the pages do not speak", With(("fr", true), ("vi", true)), null },
    };

    [Theory]
    [MemberData(nameof(Records))]
    public void The_preferred_language_is_the_first_one_marked_preferred_that_the_pages_speak(string record, Patient? patient, string? expected)
    {
        Assert.True(expected == PreferredLanguage.Of(patient), $"{record}: expected {expected ?? "none"}, got {PreferredLanguage.Of(patient) ?? "none"}");
    }

    private static Patient With(params (string Code, bool? Preferred)[] languages) => new()
    {
        Communication = languages.Select(l => new Patient.CommunicationComponent
        {
            Language = new CodeableConcept("urn:ietf:bcp:47", l.Code),
            Preferred = l.Preferred,
        }).ToList(),
    };
}
