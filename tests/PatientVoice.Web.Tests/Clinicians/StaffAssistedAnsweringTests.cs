using System.Net;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Application.ReadModels;
using PatientVoice.Web.Tests.Launch;
using PatientVoice.Web.Tests.Patients;

namespace PatientVoice.Web.Tests.Clinicians;

/// <summary>
/// Staff answering with the patient (issue 18, docs/adr/0030) and one-time links made from the clinician page, after a
/// real EHR launch at the sandbox (Alex Rivera, a medical assistant, and Dr. Patel), over real HTTP on Kestrel: the
/// staff member reaches the launch patient's form and nothing else, the response records the patient as author and the
/// staff member as enterer, and the clinician reads "Answered with help from Alex Rivera".
/// </summary>
[Collection(LaunchCollection.Name)]
public sealed partial class StaffAssistedAnsweringTests(LaunchFixture fixture)
{
    private RecordReader Records => fixture.Services.GetRequiredService<RecordReader>();

    [Fact]
    public async Task Staff_type_the_patients_words_through_the_same_submission_and_the_clinician_reads_who_helped_by_name()
    {
        using var staff = await PatientBrowser.SignInAsStaffAsync(fixture, "thomas-mueller", "ma-rivera");
        var (_, clinicianPage, _) = await staff.GetAsync("/clinician");
        Assert.Contains("href=\"/patient/questionnaire/before-your-visit\"", clinicianPage, StringComparison.Ordinal);

        var form = await new PatientForm(staff, "my-goals").OpenAsync();
        var (_, html, _) = await staff.GetAsync("/patient/questionnaire/my-goals");
        Assert.Contains("You are typing for Thomas Müller", WebUtility.HtmlDecode(html), StringComparison.Ordinal);
        var words = "Keep my lorry licence " + Guid.NewGuid().ToString("N")[..8];
        var (_, responseId) = await form.SubmitAsync(PatientForm.Goals((words, null)));

        var response = await Records.ReadAsync<QuestionnaireResponse>(responseId, CancellationToken.None);
        Assert.NotNull(response);
        Assert.Equal("Practitioner/ma-rivera", response.Author.Reference);
        Assert.Equal("Alex Rivera", response.Author.Display);
        Assert.Equal("Patient/thomas-mueller", response.Source.Reference);
        var provenance = Assert.Single(await Records.SearchAsync<Provenance>([RecordReader.P("entity", $"QuestionnaireResponse/{responseId}")], 10, CancellationToken.None));
        Assert.Contains(provenance.Agent, a => a.Type.Coding[0].Code == "author" && a.Who.Reference == "Patient/thomas-mueller");
        Assert.Contains(provenance.Agent, a => a.Type.Coding[0].Code == "enterer" && a.Who.Reference == "Practitioner/ma-rivera");
        var goal = Assert.Single(await Records.SearchAsync<Goal>([RecordReader.P("subject", "Patient/thomas-mueller")], 200, CancellationToken.None), g => g.Description.Text == words);
        Assert.Equal("Patient/thomas-mueller", goal.ExpressedBy.Reference);

        // The sent page leads back to the care team's page; the clinician (here: Dr. Patel) reads who helped, by name.
        var (_, sent, _) = await staff.GetAsync($"/patient/questionnaire/my-goals/sent?response={responseId}");
        Assert.Contains("href=\"/clinician\"", sent, StringComparison.Ordinal);
        using var clinician = await PatientBrowser.SignInAsStaffAsync(fixture, "thomas-mueller", "dr-patel");
        var (_, view, _) = await clinician.GetAsync("/clinician");
        Assert.Contains(words, WebUtility.HtmlDecode(view), StringComparison.Ordinal);
        Assert.Contains("Answered with help from Alex Rivera", WebUtility.HtmlDecode(view), StringComparison.Ordinal);
        Assert.DoesNotContain("Practitioner/ma-rivera", view, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_staff_typed_response_sent_through_the_api_without_a_name_is_shown_with_the_name_the_ehr_gives()
    {
        // The API door: the same shape (author the staff member, source the patient), no display; the EHR names them.
        using var fhir = new HttpClient { BaseAddress = new Uri(fixture.AppUrl, "/fhir/") };
        fhir.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", FhirServerFixture.Token(PatientVoice.Testing.TestTokens.AllAccess));
        fhir.DefaultRequestHeaders.Accept.Add(new System.Net.Http.Headers.MediaTypeWithQualityHeaderValue("application/fhir+json"));
        var submitted = await new PatientSubmissions(fhir, "Patient/linda-johnson").SubmitAsync("my-care-preferences", DateTimeOffset.UtcNow, author: "Practitioner/ma-rivera");
        Assert.Null(submitted.Author.Display);

        using var clinician = await PatientBrowser.SignInAsStaffAsync(fixture, "linda-johnson", "dr-nguyen");
        var (_, view, _) = await clinician.GetAsync("/clinician");

        Assert.Contains("Answered with help from Alex Rivera", WebUtility.HtmlDecode(view), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/patient/goals")]
    [InlineData("/patient/my-copy")]
    [InlineData("/patient/preferences")]
    [InlineData("/patient/conditions")]
    public async Task Staff_reach_the_patients_forms_only_not_the_rest_of_their_pages(string path)
    {
        using var staff = await PatientBrowser.SignInAsStaffAsync(fixture, "thomas-mueller", "ma-rivera");

        var (status, _, location) = await staff.GetAsync(path);

        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.Equal("/session/denied", location!.OriginalString);
        var (home, _, back) = await staff.GetAsync("/patient");
        Assert.Equal(HttpStatusCode.Redirect, home);
        Assert.Equal("/clinician", back!.OriginalString);
    }

    [Fact]
    public async Task Staff_without_a_patient_in_their_launch_cannot_answer_for_one_chosen_on_the_clinic_list()
    {
        using var staff = new TestBrowser();
        using var signedIn = await fixture.LaunchAsync(staff, "/launch/standalone?role=clinician", "ma-rivera");
        using var chosen = await fixture.OpenAsync(staff, "/clinician?patient=thomas-mueller");
        var html = await chosen.Content.ReadAsStringAsync();
        Assert.DoesNotContain("href=\"/patient/questionnaire/before-your-visit\"", html, StringComparison.Ordinal);

        using var form = await fixture.OpenAsync(staff, "/patient/questionnaire/before-your-visit?patient=thomas-mueller");

        Assert.NotEqual(HttpStatusCode.OK, form.StatusCode);
        Assert.DoesNotContain("pv-form", await form.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_staff_member_cannot_open_another_patients_response_from_their_launch()
    {
        using var other = await PatientBrowser.SignInAsync(fixture, "aisha-bello", "aisha-bello");
        var (_, theirs) = await new PatientForm(other, "my-goals").OpenAsync().ContinueWith(t => t.Result.SubmitAsync(PatientForm.Goals(("Dance again", null)))).Unwrap();
        using var staff = await PatientBrowser.SignInAsStaffAsync(fixture, "thomas-mueller", "ma-rivera");

        var (status, _, location) = await staff.GetAsync($"/patient/questionnaire/my-goals/sent?response={theirs}");

        Assert.Equal(HttpStatusCode.Redirect, status);
        Assert.Contains("/patient/error", location!.OriginalString, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_clinician_page_makes_a_link_through_the_invitations_use_case_shows_it_once_and_cancels_it()
    {
        using var staff = await PatientBrowser.SignInAsStaffAsync(fixture, "carlos-mendoza", "ma-rivera");
        var visit = DateTime.UtcNow.Date.AddDays(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        using var made = await staff.PostFormAsync("/clinician?handler=Invite", new Dictionary<string, string>
        {
            ["visitDate"] = visit, ["clinic"] = "Riverside Clinic", ["language"] = "es", ["check"] = "birth-date",
        }, await staff.TokenAsync("/clinician"));
        var html = WebUtility.HtmlDecode(await made.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, made.StatusCode);
        var url = LinkUrl().Match(html).Value;
        Assert.StartsWith(fixture.AppUrl.GetLeftPart(UriPartial.Authority) + "/i/", url, StringComparison.Ordinal);
        Assert.Contains("Riverside Clinic: antes de su visita", html, StringComparison.Ordinal);
        var invitation = (await fixture.Services.GetRequiredService<Application.Invitations.Invitations>().ForPatientAsync("Patient/carlos-mendoza", CancellationToken.None))[0];
        Assert.Equal("es", invitation.Language);
        Assert.Equal(Application.Invitations.InvitationCheck.BirthDate, invitation.Check);
        Assert.Equal("Practitioner/ma-rivera", invitation.Requester);
        Assert.Equal(DateOnly.Parse(visit, System.Globalization.CultureInfo.InvariantCulture), invitation.VisitDate);

        // Shown once: the page read again lists the link without its address.
        var (_, again, _) = await staff.GetAsync("/clinician");
        Assert.DoesNotContain(url, again, StringComparison.Ordinal);

        using var revoked = await staff.PostFormAsync("/clinician?handler=Revoke", new Dictionary<string, string> { ["invitationId"] = invitation.Id }, await staff.TokenAsync("/clinician"));
        Assert.Equal(HttpStatusCode.Redirect, revoked.StatusCode);
        using var opened = await new HttpClient().GetAsync(url);
        Assert.Equal(HttpStatusCode.Gone, opened.StatusCode);
    }

    [Fact]
    public async Task A_link_of_another_patient_cannot_be_cancelled_from_this_patients_page()
    {
        using var staff = await PatientBrowser.SignInAsStaffAsync(fixture, "carlos-mendoza", "ma-rivera");
        var others = fixture.Services.GetRequiredService<Application.Invitations.Invitations>();
        var theirs = await others.CreateAsync(new Application.Invitations.InvitationRequest("Patient/aisha-bello", DateOnly.FromDateTime(DateTime.UtcNow.AddDays(3)), "Clinic", "en", Application.Invitations.InvitationCheck.None, null), CancellationToken.None);

        using var refused = await staff.PostFormAsync("/clinician?handler=Revoke", new Dictionary<string, string> { ["invitationId"] = theirs.Invitation.Id }, await staff.TokenAsync("/clinician"));

        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("problem=invitation-not-found", refused.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(Application.Invitations.InvitationState.Open, (await others.ReadAsync(theirs.Invitation.Id, CancellationToken.None))!.StoredState);
    }

    [GeneratedRegex(@"https?://[^\s""<]+/i/[A-Za-z0-9_-]{24}")]
    private static partial Regex LinkUrl();
}
