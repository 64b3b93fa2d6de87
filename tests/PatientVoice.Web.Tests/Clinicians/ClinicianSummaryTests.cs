using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Application.Clinicians.Summary;

namespace PatientVoice.Web.Tests.Clinicians;

/// <summary>The summary a clinician reads, built from responses submitted through the real API.</summary>
[Collection(FhirServerCollection.Name)]
public sealed class ClinicianSummaryTests(FhirServerFixture server)
{
    private static readonly DateTimeOffset LastMonth = new(2026, 10, 20, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset ThisWeek = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private readonly PatientSubmissions _patient = new(server.CreateFhirClient());
    private ClinicianSummaryReader Reader => server.Services.GetRequiredService<ClinicianSummaryReader>();

    [Fact]
    public async Task A_patient_who_shared_nothing_has_an_empty_summary()
    {
        var summary = await Reader.ReadAsync(_patient.Patient, CancellationToken.None);

        Assert.False(summary.HasAnything);
        Assert.Null(summary.Agenda);
        Assert.Empty(summary.Goals);
    }

    [Fact]
    public async Task The_agenda_comes_in_the_patients_ranked_order_and_the_visit_answers_in_their_own_words()
    {
        await _patient.SubmitAsync("before-your-visit", ThisWeek);

        var summary = await Reader.ReadAsync(_patient.Patient, CancellationToken.None);

        Assert.Equal(["My new water pill makes me dizzy", "Can I stop the knee brace?", "Help with sleep"], summary.Agenda!.Items.Select(i => i.Text));
        Assert.Equal([1, 2, 3], summary.Agenda.Items.Select(i => i.Rank));
        Assert.Equal("A plan for the dizziness", Assert.Single(summary.Visit.Hopes).Text);
        Assert.Equal("Falling at home", Assert.Single(summary.Visit.Worries).Text);
        Assert.Equal("Mum lives alone and does not drive", Assert.Single(summary.Visit.ClinicianShouldKnow).Text);
        Assert.Equal("Yes: Ana, her daughter", summary.Visit.InvolveFamily!.Text);
        Assert.Equal("Together with my clinician", summary.Visit.DecisionStyle!.Text);
        Assert.Equal(WrittenBy.Patient, summary.Agenda.Authorship.By);
        Assert.Equal(ThisWeek, summary.Visit.Hopes[0].Authorship.When);
    }

    [Fact]
    public async Task Long_answers_reach_the_summary_whole()
    {
        var words = string.Join(' ', Enumerable.Repeat("I get dizzy when I stand up from the sofa and have to hold the wall.", 14));
        await _patient.SubmitAsync("before-your-visit", ThisWeek, r => PatientSubmissions.Answer(r, "visit-worries", words));

        var summary = await Reader.ReadAsync(_patient.Patient, CancellationToken.None);

        Assert.Equal(words, Assert.Single(summary.Visit.Worries).Text);
    }

    [Fact]
    public async Task A_family_member_writing_for_the_patient_is_shown_as_such()
    {
        var related = "RelatedPerson/r-" + Guid.NewGuid().ToString("N")[..8];
        await _patient.SubmitAsync("before-your-visit", ThisWeek, r => PatientSubmissions.Item(r, "respondent").Answer =
            [new() { Value = new Coding("http://patientvoice.example.org/fhir/CodeSystem/pv-respondent", "family-or-friend") }], author: related);

        var summary = await Reader.ReadAsync(_patient.Patient, CancellationToken.None);

        Assert.Equal(WrittenBy.FamilyMember, summary.Visit.Hopes[0].Authorship.By);
        Assert.Equal(related, summary.Visit.Hopes[0].Authorship.Who);
        Assert.Equal("Written by a family member for the patient", summary.Agenda!.Authorship.Badge);
    }

    [Fact]
    public async Task A_patient_helped_by_staff_is_shown_as_such()
    {
        await _patient.SubmitAsync("my-care-preferences", ThisWeek, author: "Practitioner/front-desk");

        var summary = await Reader.ReadAsync(_patient.Patient, CancellationToken.None);

        Assert.All(summary.CarePreferences, p => Assert.Equal(WrittenBy.PatientHelpedByStaff, p.Authorship.By));
        Assert.NotEmpty(summary.CarePreferences);
    }

    [Fact]
    public async Task Self_knowledge_is_grouped_by_the_condition_the_patient_named()
    {
        await _patient.SubmitAsync("what-i-know-about-my-condition", ThisWeek);

        var summary = await Reader.ReadAsync(_patient.Patient, CancellationToken.None);

        Assert.Equal(["Asthma", "my bad knee"], summary.SelfKnowledge.Select(c => c.Condition));
        var asthma = summary.SelfKnowledge[0];
        Assert.Equal("Coughing at night a few days before", asthma.Items.Single(i => i.Code == "early-warning-signs").Text);
        Assert.Equal("My work in the bakery", asthma.Items.Single(i => i.Code == "ask-me-about").Text);
        Assert.Equal("Swimming", Assert.Single(summary.SelfKnowledge[1].Items).Text);
    }

    [Fact]
    public async Task Changed_preferences_are_shown_as_changes_against_the_previous_submission()
    {
        await _patient.SubmitAsync("my-care-preferences", LastMonth);
        await _patient.SubmitAsync("my-care-preferences", ThisWeek, r =>
        {
            PatientSubmissions.Answer(r, "information", "Talk it through with my daughter there");
            r.Item.RemoveAll(i => i.LinkId == "contact");
        });

        var summary = await Reader.ReadAsync(_patient.Patient, CancellationToken.None);

        var information = summary.CarePreferences.Single(p => p.Code == "information");
        Assert.Equal(ChangeKind.Changed, information.Change);
        Assert.Equal("Written down, in big letters", information.Before);
        Assert.Equal(ChangeKind.None, summary.CarePreferences.Single(p => p.Code == "language").Change);
        Assert.Contains(summary.Changes, c => c.Kind == ChangeKind.NoLongerMentioned && c.Before == "Text me after 5 pm");
        Assert.DoesNotContain(summary.CarePreferences, p => p.Code == "contact");
    }

    [Fact]
    public async Task Goals_show_what_is_new_and_what_is_no_longer_mentioned_with_when_first_shared()
    {
        await _patient.SubmitAsync("my-goals", LastMonth);
        await _patient.SubmitAsync("my-goals", ThisWeek, r =>
        {
            var second = r.Item.Where(i => i.LinkId == "goal").ElementAt(1);
            second.Item.Single(i => i.LinkId == "goal-text").Answer = [new() { Value = new FhirString("Cook Sunday lunch for the family") }];
        });

        var summary = await Reader.ReadAsync(_patient.Patient, CancellationToken.None);

        Assert.Equal(["Walk my granddaughter to school", "Cook Sunday lunch for the family"], summary.Goals.Select(g => g.Words));
        var walk = summary.Goals[0];
        Assert.Equal(ChangeKind.None, walk.Change);
        Assert.Equal(LastMonth, walk.FirstShared);
        Assert.Equal("proposed", walk.Status);
        Assert.Equal("2027-03-01", walk.Due);
        Assert.Contains("I want to be part of her day", walk.PatientNotes);
        Assert.Equal(ChangeKind.New, summary.Goals[1].Change);
        Assert.Contains(summary.Changes, c => c.Area == "Goals" && c.Kind == ChangeKind.NoLongerMentioned && c.Before == "Sleep through the night");
    }

    [Fact]
    public async Task A_response_flagged_for_safety_puts_the_flag_first_with_what_the_patient_wrote()
    {
        await _patient.SubmitAsync("before-your-visit", ThisWeek, r =>
        {
            // The server flags it from the words themselves (a tag sent by the client would be dropped).
            PatientSubmissions.Answer(r, "visit-worries", "Some days I want to die");
        });

        var summary = await Reader.ReadAsync(_patient.Patient, CancellationToken.None);

        Assert.Contains(summary.SafetyFlags, f => f.PatientWrote == "Some days I want to die");
        Assert.All(summary.SafetyFlags, f => Assert.Equal("Free text with words that may need prompt attention", f.Reason));
        Assert.Equal("warning", PatientVoice.Web.CdsHooks.CdsCardBuilder.For(summary, "patient-view", new Uri("http://localhost/launch/clinician"))!.Indicator);
    }

    [Fact]
    public async Task A_response_without_a_flag_raises_none()
    {
        await _patient.SubmitAsync("before-your-visit", ThisWeek);

        Assert.Empty((await Reader.ReadAsync(_patient.Patient, CancellationToken.None)).SafetyFlags);
    }
}
