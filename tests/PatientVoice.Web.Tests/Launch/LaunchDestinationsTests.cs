using PatientVoice.Web.Launch;

namespace PatientVoice.Web.Tests.Launch;

/// <summary>Where a launch lands: a CDS card's <c>appContext</c> opens one of the clinician summary's own sections, nothing else.</summary>
public sealed class LaunchDestinationsTests
{
    [Theory]
    [InlineData("clinician-summary/safety", "/clinician#safety")]
    [InlineData("clinician-summary/agenda", "/clinician#agenda")]
    [InlineData("clinician-summary/goals", "/clinician#goals")]
    [InlineData("clinician-summary", "/clinician")]
    [InlineData(null, "/clinician")]
    [InlineData("clinician-summary/nowhere", "/clinician")]
    [InlineData("clinician-summary/agenda\"><script>", "/clinician")]
    [InlineData("https://evil.example.org/", "/clinician")]
    [InlineData("{\"section\":\"agenda\"}", "/clinician")]
    public void A_clinicians_launch_opens_the_section_its_app_context_names_if_it_is_one_of_ours(string? appContext, string expected)
        => Assert.Equal(expected, LaunchDestinations.For(Session("Practitioner/dr-patel", appContext)));

    [Fact]
    public void A_patients_launch_ignores_an_app_context()
        => Assert.Equal("/patient", LaunchDestinations.For(Session("Patient/maria-garcia", "clinician-summary/agenda")));

    private static SmartSession Session(string fhirUser, string? appContext) => new()
    {
        Id = "s",
        Ehr = "sandbox",
        FhirBaseUrl = new Uri("http://127.0.0.1:5100/fhir"),
        Patient = "maria-garcia",
        FhirUser = fhirUser,
        AppContext = appContext,
    };
}
