using PatientVoice.Web.Tests.Launch;

namespace PatientVoice.Web.Tests.Patients;

/// <summary>
/// A portal launch's <c>fhirContext</c> (SMART App Launch 2.2) opens the task it names: a Questionnaire opens that
/// questionnaire, an Appointment shows that visit. Launched at the real sandbox EHR, pages followed as a browser would.
/// </summary>
[Collection(LaunchCollection.Name)]
public sealed class LaunchContextPageTests(LaunchFixture fixture)
{
    [Theory]
    [InlineData("http://patientvoice.example.org/fhir/Questionnaire/my-goals|0.1.0", "My goals")]
    [InlineData("http://patientvoice.example.org/fhir/Questionnaire/before-your-visit", "Before your visit")]
    public async Task A_launch_naming_one_of_our_questionnaires_by_canonical_opens_that_questionnaire(string canonical, string title)
    {
        using var browser = new TestBrowser { AcceptLanguage = "en-US" };

        var page = await PatientPages.LaunchAsync(fixture, browser, "james-okafor", "james-okafor",
            [new { reference = "Appointment/appt-james-okafor" }, new { canonical, type = "Questionnaire" }]);

        Assert.StartsWith("/patient/questionnaire/", page.Url.AbsolutePath, StringComparison.Ordinal);
        Assert.Matches($"<h1[^>]*>\\s*{title}\\s*</h1>", page.Html);
        Assert.Contains("id=\"pv-form\"", page.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_launch_naming_a_questionnaire_by_reference_opens_it_and_one_we_do_not_hold_opens_the_home_page()
    {
        using var browser = new TestBrowser { AcceptLanguage = "en-US" };
        var first = await PatientPages.LaunchAsync(fixture, browser, "ana-torres", "ana-torres",
            [new { canonical = "http://patientvoice.example.org/fhir/Questionnaire/my-care-preferences", type = "Questionnaire" }]);
        // Whatever id the store gave it, a reference to that id opens it.
        var id = first.Url.AbsolutePath["/patient/questionnaire/".Length..];

        var byReference = await PatientPages.LaunchAsync(fixture, browser, "ana-torres", "ana-torres", [new { reference = "Questionnaire/" + id }]);
        Assert.Equal(first.Url.AbsolutePath, byReference.Url.AbsolutePath);

        var unknown = await PatientPages.LaunchAsync(fixture, browser, "ana-torres", "ana-torres", [new { reference = "Questionnaire/not-held-here" }]);
        Assert.Equal("/patient", unknown.Url.AbsolutePath);
        Assert.Contains("id=\"todo-title\"", unknown.Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_launch_naming_an_appointment_shows_that_visit_with_the_clinician_as_the_ehr_names_them()
    {
        using var browser = new TestBrowser { AcceptLanguage = "en-US" };

        var page = await PatientPages.LaunchAsync(fixture, browser, "thomas-mueller", "thomas-mueller", [new { reference = "Appointment/appt-thomas-mueller" }]);

        Assert.Equal("/patient", page.Url.AbsolutePath);
        Assert.Equal("appointment=appt-thomas-mueller", page.Url.Query.TrimStart('?'));
        var visit = page.TextOf("pv-visit");
        // The sandbox books every visit at 09:00 UTC with the patient's own clinician (a neurologist for myasthenia gravis).
        // The server's text is in UTC and says so; the browser rewrites it in the reader's zone (local-time.js).
        Assert.Matches("^On [A-Z][a-z]+day, [A-Z][a-z]+ \\d{1,2}, \\d{4} 09:00 UTC with Dr\\. Priya Patel", visit);
    }

    [Fact]
    public async Task A_visit_link_naming_another_patients_appointment_shows_the_patients_own_next_visit()
    {
        using var browser = new TestBrowser { AcceptLanguage = "en-US" };
        await PatientPages.LaunchAsync(fixture, browser, "thomas-mueller", "thomas-mueller");

        // María García's visit is with Dr. Minh Nguyen.
        var page = await PatientPages.GetAsync(fixture, browser, "/patient?appointment=appt-maria-garcia");

        var visit = page.TextOf("pv-visit");
        Assert.Contains("with Dr. Priya Patel", visit, StringComparison.Ordinal);
        Assert.DoesNotContain("Nguyen", page.Text, StringComparison.Ordinal);
    }
}
