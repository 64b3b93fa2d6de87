using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Smart.Launch;
using PatientVoice.Smart.Scopes;
using PatientVoice.Web.Launch;
using PatientVoice.Web.Tests.Patients;

namespace PatientVoice.Web.Tests.Launch;

/// <summary>
/// Least privilege at the EHR: every page is walked through the real EHR client (wrapped to record each read) against
/// the sandbox, and each type read must be named, by type, in the scopes the launch asked for. A page that starts
/// reading a new type fails here until <see cref="EhrReadTypes"/> names it. And what the EHR did not grant is not asked.
/// </summary>
[Collection(LaunchCollection.Name)]
public sealed class EhrReadScopeTests(LaunchFixture fixture)
{
    private static readonly string[] PatientPaths =
    [
        "/patient", "/patient/goals", "/patient/preferences", "/patient/conditions", "/patient/my-copy",
        "/patient/questionnaire/what-i-know-about-my-condition", "/patient/questionnaire/before-your-visit",
        "/patient/questionnaire/my-goals", "/patient/questionnaire/my-care-preferences",
    ];

    [Fact]
    public async Task Every_type_the_pages_read_from_the_ehr_is_named_by_type_in_the_default_launch_scopes()
    {
        var sessions = new List<string>();

        // A patient from the portal with their appointment and encounter, on every patient page.
        using (var patient = new TestBrowser())
        {
            var launch = await fixture.EhrLaunchAsync(new { patient = "maria-garcia", encounter = "enc-maria-garcia", user = "maria-garcia", fhirContext = new[] { new { reference = "Appointment/appt-maria-garcia" } } });
            using var signedIn = await fixture.LaunchAsync(patient, $"/launch?iss={fixture.Iss}&launch={launch}", "maria-garcia");
            sessions.Add(await SessionIdAsync(patient));
            foreach (var path in PatientPaths)
            {
                await PatientPages.GetAsync(fixture, patient, path);
            }
        }

        // A family member starting standalone.
        using (var family = new TestBrowser())
        {
            using var signedIn = await fixture.LaunchAsync(family, "/launch/standalone", "lucia-garcia");
            sessions.Add(await SessionIdAsync(family));
            await PatientPages.GetAsync(fixture, family, "/patient");
        }

        // A clinician from the EHR, and one standalone (the clinic list, then a patient chosen there: the banner).
        using (var clinician = new TestBrowser())
        {
            var launch = await fixture.EhrLaunchAsync(new { patient = "maria-garcia", encounter = "enc-maria-garcia", user = "dr-nguyen" });
            using var signedIn = await fixture.LaunchAsync(clinician, $"/launch/clinician?iss={fixture.Iss}&launch={launch}", "dr-nguyen");
            sessions.Add(await SessionIdAsync(clinician));
            await OkAsync(clinician, "/clinician");
            await OkAsync(clinician, "/clinician/clinic?all=true");
        }

        // A staff member answering with the patient (docs/adr/0030): the patient's forms on a clinician's launch.
        using (var staff = new TestBrowser())
        {
            var launch = await fixture.EhrLaunchAsync(new { patient = "maria-garcia", encounter = "enc-maria-garcia", user = "ma-rivera" });
            using var signedIn = await fixture.LaunchAsync(staff, $"/launch/clinician?iss={fixture.Iss}&launch={launch}", "ma-rivera");
            sessions.Add(await SessionIdAsync(staff));
            foreach (var path in PatientPaths.Where(p => p.StartsWith("/patient/questionnaire/", StringComparison.Ordinal)))
            {
                await OkAsync(staff, path);
            }
        }

        using (var clinician = new TestBrowser())
        {
            using var signedIn = await fixture.LaunchAsync(clinician, "/launch/standalone?role=clinician", "dr-silva");
            sessions.Add(await SessionIdAsync(clinician));
            await OkAsync(clinician, "/clinician/clinic");
            await OkAsync(clinician, "/clinician?patient=robert-chen");
        }

        var reads = fixture.EhrReads.Where(r => sessions.Contains(r.SessionId)).ToList();
        Assert.All(reads, read =>
        {
            var audience = read.Role == SessionRole.Practitioner ? LaunchAudience.Clinician : LaunchAudience.Patient;
            var named = read.Scope.Split(' ').Select(SmartScopeParser.ParseResourceScope).OfType<SmartResourceScope>().ToList();
            Assert.DoesNotContain(named, s => s.ResourceType == "*");
            Assert.True(named.Any(s => s.ResourceType == read.ResourceType),
                $"{audience} pages read {read.ResourceType} from the EHR, but the launch did not ask for it ({read.Scope}): add it to EhrReadTypes.{audience}.");
            Assert.Contains(read.ResourceType, EhrReadTypes.For(audience));
            Assert.Null(read.Failure);
        });

        // The walk did reach the EHR for what the pages show.
        var patientTypes = reads.Where(r => r.Role != SessionRole.Practitioner).Select(r => r.ResourceType).ToHashSet();
        var clinicianTypes = reads.Where(r => r.Role == SessionRole.Practitioner).Select(r => r.ResourceType).ToHashSet();
        Assert.Superset(new HashSet<string> { "Patient", "RelatedPerson", "Appointment", "Condition" }, patientTypes);
        Assert.Superset(new HashSet<string> { "Patient", "Appointment" }, clinicianTypes);
    }

    [Fact]
    public async Task A_token_that_grants_less_than_was_asked_leaves_out_what_it_does_not_cover_and_the_page_says_so()
    {
        using var patient = new TestBrowser();
        var launch = await fixture.EhrLaunchAsync(new { patient = "ahmed-hassan", user = "ahmed-hassan", fhirContext = new[] { new { reference = "Appointment/appt-ahmed-hassan" } } });
        using var signedIn = await fixture.LaunchAsync(patient, $"/launch?iss={fixture.Iss}&launch={launch}", "ahmed-hassan");
        var sessionId = await SessionIdAsync(patient);

        // As production EHRs do: the token's scope names less than was asked (here: no appointments, no practitioners).
        var store = fixture.Services.GetRequiredService<SmartSessionStore>();
        var stored = (await store.GetAsync(sessionId, CancellationToken.None))!;
        var trimmed = string.Join(' ', stored.Session.Scope.Split(' ').Where(s => !s.Contains("/Appointment.", StringComparison.Ordinal) && !s.Contains("/Practitioner.", StringComparison.Ordinal)));
        await store.SaveAsync(stored with { Session = stored.Session with { Scope = trimmed } }, CancellationToken.None);

        var home = await PatientPages.GetAsync(fixture, patient, "/patient");

        Assert.Contains("did not share your visit details", home.Html, StringComparison.Ordinal);
        var reads = fixture.EhrReads.Where(r => r.SessionId == sessionId).ToList();
        Assert.All(reads.Where(r => r.ResourceType == "Appointment"), r => Assert.Equal(EhrRequestFailure.NotGranted, r.Failure));
        Assert.Contains(reads, r => r.ResourceType == "Patient" && r.Failure is null);
    }

    [Fact]
    public async Task A_type_not_granted_is_not_asked_of_the_ehr_at_all()
    {
        // The "offline" EHR has nobody listening: a request would fail as unreachable, so NotGranted shows none was sent.
        var client = fixture.Services.GetRequiredService<EhrFhirClient>();
        var session = new SmartSession { Id = "no-such-session", Ehr = "offline", FhirBaseUrl = new Uri(fixture.OfflineFhirBase), Patient = "p1", FhirUser = "Patient/p1", Scope = "launch openid fhirUser patient/Patient.rs" };

        var read = await Assert.ThrowsAsync<EhrRequestException>(() => client.ReadAsync(session, "Appointment/a1", CancellationToken.None));
        var search = await Assert.ThrowsAsync<EhrRequestException>(() => client.SearchAsync(session, "Condition", "patient=p1", CancellationToken.None));

        Assert.Equal(EhrRequestFailure.NotGranted, read.Failure);
        Assert.Equal(EhrRequestFailure.NotGranted, search.Failure);
        Assert.True(EhrFhirClient.Granted(session, "Patient", SmartInteractions.Read));
        Assert.True(EhrFhirClient.Granted(session with { Scope = "patient/Appointment.read" }, "Appointment", SmartInteractions.Search));
        Assert.False(EhrFhirClient.Granted(session with { Scope = "patient/Appointment.r" }, "Appointment", SmartInteractions.Search));
    }

    private async Task OkAsync(TestBrowser browser, string path)
    {
        using var response = await fixture.OpenAsync(browser, path);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {path}: {(int)response.StatusCode}");
    }

    private async Task<string> SessionIdAsync(TestBrowser browser)
    {
        using var response = await fixture.OpenAsync(browser, "/session", "application/json");
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("id").GetString()!;
    }
}
