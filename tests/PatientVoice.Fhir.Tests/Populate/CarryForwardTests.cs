using Hl7.Fhir.Model;
using PatientVoice.Fhir.Questionnaires.Extract;
using PatientVoice.Fhir.Questionnaires.Populate;
using PatientVoice.Fhir.Tests.Fixtures;
using static PatientVoice.Fhir.Tests.Extract.ExtractionTestData;
using static PatientVoice.Fhir.Tests.Populate.SharedFormPopulationTests;

namespace PatientVoice.Fhir.Tests.Populate;

/// <summary>$populate on our questionnaires: the patient's last response carried forward, goals keeping their Goal, conditions from the EHR.</summary>
[Collection(ValidatorCollection.Name)]
public sealed class CarryForwardTests(ValidatorFixture fixture)
{
    private static readonly QuestionnairePopulator Populator = new();
    private static readonly QuestionnaireResponseExtractor Extractor = new();

    [Fact]
    public async Task Carrying_my_goals_forward_keeps_every_answer_and_gives_each_goal_the_id_of_its_Goal()
    {
        var (previous, goals) = SubmittedGoals();

        var result = await Populator.PopulateAsync(Ours("my-goals"), GoalsContext(previous, goals));

        var response = result.Response;
        Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.InProgress, response.Status);
        Assert.Equal("http://patientvoice.example.org/fhir/Questionnaire/my-goals|0.2.0", response.Questionnaire);
        Assert.Equal("QuestionnaireResponse/goals-completed", ((ResourceReference)response.GetExtension(PopulateExtensions.CarriedForwardFrom).Value).Reference);
        var groups = response.Item.Where(i => i.LinkId == "goal").ToList();
        Assert.Equal(["Walk my granddaughter to school", "Sleep through the night"], groups.Select(g => Text(g, "goal-text")));
        Assert.Equal(["goal-walk", "goal-sleep"], groups.Select(g => Text(g, "goal-id")));
        Assert.Equal("My knee on cold days", Text(groups[0], "goal-barriers"));
        Assert.Equal(7, ((Integer)groups[0].Item.Single(i => i.LinkId == "goal-confidence").Answer.Single().Value).Value);
        Assert.All(groups, g => Assert.False(string.IsNullOrEmpty(g.ElementId)));
        Assert.Equal(2, groups.Select(g => g.ElementId).Distinct().Count());
        Assert.DoesNotContain(result.Issues, i => i.Severity <= OperationOutcome.IssueSeverity.Warning);
    }

    [Fact]
    public async Task Submitting_a_carried_response_updates_the_same_goals_and_is_valid_against_the_questionnaire()
    {
        var (previous, goals) = SubmittedGoals();
        var populated = (await Populator.PopulateAsync(Ours("my-goals"), GoalsContext(previous, goals))).Response;
        populated.Id = "goals-next";
        populated.Status = QuestionnaireResponse.QuestionnaireResponseStatus.Completed;

        var report = fixture.ResponseValidator.Validate(populated, Ours("my-goals"));
        var extraction = Extractor.Extract(populated, Ours("my-goals"), ContextFor(populated));
        var transaction = Extractor.ToTransaction(extraction);

        Assert.True(report.IsValid, string.Join("; ", report.Issues.Select(i => i.Diagnostics)));
        Assert.Equal(["goal-walk", "goal-sleep"], extraction.OfType<Goal>().Select(g => g.Id));
        Assert.Contains(transaction.Entry, e => e.Request.Method == Bundle.HTTPVerb.PUT && e.Request.Url == "Goal/goal-walk");
        Assert.Contains(transaction.Entry, e => e.Request.Method == Bundle.HTTPVerb.PUT && e.Request.Url == "Goal/goal-sleep");
        Assert.Contains(extraction.Provenance.Entity, e => e.Role == Provenance.ProvenanceEntityRole.Revision && e.What.Reference == "QuestionnaireResponse/goals-completed");
        Assert.True((await fixture.Validator.ValidateAsync(extraction.Provenance)).IsValid);
        var note = System.Text.Encoding.UTF8.GetString(extraction.PatientNote!.Content[0].Attachment.Data);
        Assert.DoesNotContain("goal-walk", note, StringComparison.Ordinal);
        Assert.DoesNotContain("goal-walk", populated.Text?.Div ?? extraction.ResponseText.Div, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_goal_reworded_since_the_last_response_is_carried_with_its_new_words_and_the_rest_as_answered()
    {
        var (previous, goals) = SubmittedGoals();
        ((Goal)goals[0]).Description.Text = "Walk my granddaughter to school and back";

        var result = await Populator.PopulateAsync(Ours("my-goals"), GoalsContext(previous, goals));

        var groups = result.Response.Item.Where(i => i.LinkId == "goal").ToList();
        Assert.Equal(["Walk my granddaughter to school and back", "Sleep through the night"], groups.Select(g => Text(g, "goal-text")));
        Assert.Equal(["goal-walk", "goal-sleep"], groups.Select(g => Text(g, "goal-id")));
        Assert.Equal("My knee on cold days", Text(groups[0], "goal-barriers"));
        var issue = Assert.Single(result.Issues, i => i.Diagnostics.Contains("says now", StringComparison.Ordinal));
        Assert.Contains("Goal/goal-walk", issue.Diagnostics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_goal_that_has_ended_is_not_carried_forward()
    {
        var (previous, goals) = SubmittedGoals();
        goals[1].LifecycleStatus = Goal.GoalLifecycleStatus.Completed;

        var result = await Populator.PopulateAsync(Ours("my-goals"), GoalsContext(previous, goals));

        Assert.Equal(["Walk my granddaughter to school"], result.Response.Item.Where(i => i.LinkId == "goal").Select(g => Text(g, "goal-text")));
        Assert.Contains(result.Issues, i => i.Diagnostics.Contains("Goal/goal-sleep", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_answer_no_longer_valid_for_the_questionnaire_is_not_carried_and_the_issues_say_so()
    {
        var (previous, goals) = SubmittedGoals();
        previous.Item[0].Item.Single(i => i.LinkId == "goal-confidence").Answer[0].Value = new Integer(12);
        previous.Item[0].Item.Add(Answer("goal-no-longer-asked", new FhirString("gone")));

        var result = await Populator.PopulateAsync(Ours("my-goals"), GoalsContext(previous, goals));

        var first = result.Response.Item.First(i => i.LinkId == "goal");
        Assert.Empty(first.Item.Single(i => i.LinkId == "goal-confidence").Answer);
        Assert.DoesNotContain(first.Item, i => i.LinkId == "goal-no-longer-asked");
        Assert.Contains(result.Issues, i => i.Severity == OperationOutcome.IssueSeverity.Warning && i.Diagnostics.Contains("'goal-confidence' was not carried forward", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Answers_to_questions_the_other_answers_now_disable_are_left_empty()
    {
        var previous = Completed("before-your-visit");
        previous.Item.Single(i => i.LinkId == "involve-family").Answer[0].Value = new FhirBoolean(false);

        var result = await Populator.PopulateAsync(Ours("before-your-visit"), new PopulateContext(previous.Subject) { PreviousResponse = previous });

        Assert.Empty(Item(result.Response, "involve-family-who").Answer);
        Assert.Equal(3, Item(result.Response, "visit-agenda").Answer.Count);
        Assert.Contains(result.Issues, i => i.Expression!.Contains("involve-family-who", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Another_patients_response_is_never_carried_forward()
    {
        var (previous, goals) = SubmittedGoals();

        var result = await Populator.PopulateAsync(Ours("my-goals"), GoalsContext(previous, goals) with { Subject = new ResourceReference("Patient/someone-else") });

        Assert.All(result.Response.Item.Where(i => i.LinkId == "goal"), g => Assert.Empty(g.Item.SelectMany(i => i.Answer)));
        Assert.Null(result.Response.GetExtension(PopulateExtensions.CarriedForwardFrom));
        Assert.Contains(result.Issues, i => i.Code == OperationOutcome.IssueType.Security);
    }

    [Fact]
    public async Task Conditions_from_the_record_start_one_group_each_unless_the_patient_already_wrote_about_them()
    {
        var previous = Completed("what-i-know-about-my-condition");
        previous.Subject = new ResourceReference("Patient/pat-ana");
        var conditions = new[]
        {
            PopulateTestData.Condition("c-asthma", "asthma", "195967001"),
            PopulateTestData.Condition("c-mg", "Myasthenia gravis", "91637004"),
            PopulateTestData.Condition("c-wrong", "Epilepsy", enteredInError: true),
        };
        var context = PopulateContext.ForPatient(PopulateTestData.Patient(), conditions) with { PreviousResponse = previous };

        var result = await Populator.PopulateAsync(Ours("what-i-know-about-my-condition"), context);

        var groups = result.Response.Item.Where(i => i.LinkId == "condition").ToList();
        Assert.Equal(["Asthma", "my bad knee", "Myasthenia gravis"], groups.Select(g => Text(g, "condition-name")));
        Assert.Equal("My blue inhaler and sitting up", Text(groups[0], "what-helps"));
        Assert.Empty(groups[2].Item.Where(i => i.LinkId != "condition-name").SelectMany(i => i.Answer));
    }

    [Fact]
    public async Task Without_conditions_or_a_previous_response_the_form_starts_with_one_empty_condition_and_says_what_it_lacked()
    {
        var result = await Populator.PopulateAsync(Ours("what-i-know-about-my-condition"), new PopulateContext(new ResourceReference("Patient/pat-ana")));

        var group = Assert.Single(result.Response.Item, i => i.LinkId == "condition");
        Assert.Empty(group.Item.SelectMany(i => i.Answer));
        Assert.Contains(result.Issues, i => i.Code == OperationOutcome.IssueType.NotFound && i.Expression!.Contains("condition", StringComparison.Ordinal));
    }

    private (QuestionnaireResponse Previous, List<Goal> Goals) SubmittedGoals()
    {
        var previous = Completed("my-goals");
        var extracted = Extractor.Extract(previous, Ours("my-goals"), ContextFor(previous)).OfType<Goal>().ToList();
        extracted[0].Id = "goal-walk";
        extracted[1].Id = "goal-sleep";
        return (previous, extracted);
    }

    private static PopulateContext GoalsContext(QuestionnaireResponse previous, IReadOnlyList<Resource> goals) =>
        new(new ResourceReference("Patient/example-patient")) { PreviousResponse = previous, PreviousResources = goals };

    private static string? Text(QuestionnaireResponse.ItemComponent group, string linkId) =>
        group.Item.SingleOrDefault(i => i.LinkId == linkId)?.Answer.SingleOrDefault()?.Value?.ToString();

    private Questionnaire Ours(string id) => fixture.Package.Questionnaires.Single(q => q.Id == id);
}
