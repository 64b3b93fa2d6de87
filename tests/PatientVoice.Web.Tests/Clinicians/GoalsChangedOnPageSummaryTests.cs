using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Application.Clinicians.Summary;
using PatientVoice.Application;
using PatientVoice.Application.Goals;

namespace PatientVoice.Web.Tests.Clinicians;

/// <summary>Goals added and changed on the My goals page (PatientGoals, issue 13) reach the clinician summary with who changed them.</summary>
[Collection(FhirServerCollection.Name)]
public sealed class GoalsChangedOnPageSummaryTests(FhirServerFixture server)
{
    private static readonly DateTimeOffset LastMonth = new(2026, 10, 20, 9, 0, 0, TimeSpan.Zero);

    private readonly PatientSubmissions _patient = new(server.CreateFhirClient());
    private ClinicianSummaryReader Reader => server.Services.GetRequiredService<ClinicianSummaryReader>();

    [Fact]
    public async Task A_goal_a_patient_with_no_submissions_adds_on_My_goals_is_shown_as_new_and_written_by_the_patient()
    {
        await UsingGoalsAsync((goals, ct) => goals.AddAsync(As(_patient.Patient), "Dance at my grandson's wedding", "It is in June", ct));

        var summary = await Reader.ReadAsync(_patient.Patient, CancellationToken.None);

        Assert.True(summary.HasAnything);
        Assert.NotNull(summary.LastSubmitted);
        var goal = Assert.Single(summary.Goals);
        Assert.Equal("Dance at my grandson's wedding", goal.Words);
        Assert.Equal(["It is in June"], goal.PatientNotes);
        Assert.Equal(ChangeKind.New, goal.Change);
        Assert.Equal(WrittenBy.Patient, goal.Authorship.By);
        Assert.Equal(_patient.Patient, goal.Authorship.Who);
        Assert.NotNull(goal.Authorship.When);
        Assert.Contains(summary.Changes, c => c.Area == GoalSection.Area && c.Kind == ChangeKind.New && c.After == "Dance at my grandson's wedding");
    }

    [Fact]
    public async Task A_goal_a_family_member_adds_on_My_goals_is_shown_as_written_by_a_family_member()
    {
        var related = "RelatedPerson/r-" + Guid.NewGuid().ToString("N")[..8];
        await UsingGoalsAsync((goals, ct) => goals.AddAsync(As(_patient.Patient, related), "Get back to the allotment", null, ct));

        var goal = Assert.Single((await Reader.ReadAsync(_patient.Patient, CancellationToken.None)).Goals);

        Assert.Equal(WrittenBy.FamilyMember, goal.Authorship.By);
        Assert.Equal(related, goal.Authorship.Who);
    }

    [Fact]
    public async Task A_submitted_goal_reworded_on_My_goals_shows_the_new_words_and_who_changed_them()
    {
        await _patient.SubmitAsync("my-goals", LastMonth);
        var submitted = await Reader.ReadAsync(_patient.Patient, CancellationToken.None);
        var walk = submitted.Goals.Single(g => g.Words == "Walk my granddaughter to school");
        var related = "RelatedPerson/r-" + Guid.NewGuid().ToString("N")[..8];

        await UsingGoalsAsync((goals, ct) => goals.ChangeAsync(As(_patient.Patient, related), walk.Id, walk.Version, GoalChange.Edit, "Walk my granddaughter to school and back", null, ct));

        var summary = await Reader.ReadAsync(_patient.Patient, CancellationToken.None);
        var reworded = summary.Goals.Single(g => g.Id == walk.Id);
        Assert.Equal("Walk my granddaughter to school and back", reworded.Words);
        Assert.Equal(ChangeKind.Changed, reworded.Change);
        Assert.Equal(WrittenBy.FamilyMember, reworded.Authorship.By);
        Assert.Equal(related, reworded.Authorship.Who);
        Assert.DoesNotContain(summary.Goals, g => g.Words == "Walk my granddaughter to school");
        Assert.Contains(summary.Changes, c => c.Area == GoalSection.Area && c.Kind == ChangeKind.Changed
            && c.Before == "Walk my granddaughter to school" && c.After == "Walk my granddaughter to school and back");
        // The other goals of the submission still speak for the submission.
        Assert.All(summary.Goals.Where(g => g.Id != walk.Id), g => Assert.Equal(ChangeKind.None, g.Change));
    }

    [Fact]
    public async Task A_goal_marked_achieved_on_My_goals_stays_in_view_as_a_change_with_who_marked_it()
    {
        await _patient.SubmitAsync("my-goals", LastMonth);
        var walk = (await Reader.ReadAsync(_patient.Patient, CancellationToken.None)).Goals.Single(g => g.Words == "Walk my granddaughter to school");

        await UsingGoalsAsync((goals, ct) => goals.ChangeAsync(As(_patient.Patient), walk.Id, walk.Version, GoalChange.Achieved, null, null, ct));

        var summary = await Reader.ReadAsync(_patient.Patient, CancellationToken.None);
        var achieved = summary.Goals.Single(g => g.Id == walk.Id);
        Assert.Equal("completed", achieved.Status);
        Assert.True(achieved.IsEnded);
        Assert.Equal(WrittenBy.Patient, achieved.Authorship.By);
        Assert.Contains(summary.Changes, c => c.Label == "Goal achieved" && c.After == "Walk my granddaughter to school");
    }

    private static Actor As(string patient, string? user = null) => new(patient, user ?? patient);

    private async Task UsingGoalsAsync(Func<PatientGoals, CancellationToken, Task> change)
    {
        // The My goals use case, as the page calls it (in a scope like a request).
        await using var scope = server.Services.CreateAsyncScope();
        await change(scope.ServiceProvider.GetRequiredService<PatientGoals>(), CancellationToken.None);
    }
}
