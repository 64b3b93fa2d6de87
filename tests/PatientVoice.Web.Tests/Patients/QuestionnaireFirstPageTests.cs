using Hl7.Fhir.Model;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Testing;
using PatientVoice.Web.Patients;

namespace PatientVoice.Web.Tests.Patients;

/// <summary>
/// Which of our questionnaires' questions the server draws before LHC-Forms (ADR 0026): up to the first one plain controls
/// cannot show as LHC-Forms does, in the page language, opened with the answers the page has.
/// </summary>
public sealed class QuestionnaireFirstPageTests
{
    private static Questionnaire Shipped(string id)
        => (Questionnaire)FhirResourceParser.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "profiles", $"Questionnaire-{id}.json")), FhirFormat.Json);

    [Fact]
    public void Before_your_visit_is_drawn_up_to_its_first_conditional_question_in_spanish_with_the_answers_it_opens_with()
    {
        var spanish = QuestionnaireLocalizer.Localize(Shipped("before-your-visit"), "es");
        var opening = new QuestionnaireResponse
        {
            Item =
            [
                new() { LinkId = "respondent", Answer = [new() { Value = new Coding("http://patientvoice.example.org/fhir/CodeSystem/pv-respondent", "self") }] },
                new() { LinkId = "visit-agenda", Answer = [new() { Value = new FhirString("Mi azúcar") }, new() { Value = new FhirString("Mis pies") }] },
                new() { LinkId = "involve-family", Answer = [new() { Value = new FhirBoolean(false) }] },
            ],
        };

        var page = QuestionnaireFirstPage.Of(spanish, opening, "Sí", "No");

        Assert.Equal(["intro", "respondent", "visit-agenda", "visit-hopes", "visit-worries", "visit-clinician-should-know", "visit-changes", "involve-family"], page.LinkIds);
        Assert.False(page.Whole);
        var respondent = page.Fields.Single(f => f.LinkId == "respondent");
        Assert.Equal("¿Quién llena este formulario?", respondent.Text);
        Assert.Equal(FirstPageFieldKind.Choice, respondent.Kind);
        Assert.Equal("Yo", Assert.Single(respondent.Options, o => o.Chosen).Label);
        Assert.Equal(["Mi azúcar", "Mis pies"], page.Fields.Single(f => f.LinkId == "visit-agenda").Values);
        Assert.Equal(FirstPageFieldKind.LongText, page.Fields.Single(f => f.LinkId == "visit-hopes").Kind);
        var family = page.Fields.Single(f => f.LinkId == "involve-family");
        Assert.Equal([("true", "Sí", false), ("false", "No", true)], family.Options.Select(o => (o.Value, o.Label, o.Chosen)));
        Assert.Equal(page.Fields.Count, page.Fields.Select(f => f.Id).Distinct().Count());
    }

    [Fact]
    public void My_goals_is_drawn_whole_once_per_goal_keeping_the_hidden_goal_id()
    {
        static QuestionnaireResponse.ItemComponent Goal(string text, string? id) => new()
        {
            LinkId = "goal",
            Item = id is null
                ? [new() { LinkId = "goal-text", Answer = [new() { Value = new FhirString(text) }] }]
                : [new() { LinkId = "goal-text", Answer = [new() { Value = new FhirString(text) }] }, new() { LinkId = "goal-id", Answer = [new() { Value = new FhirString(id) }] }],
        };
        var opening = new QuestionnaireResponse { Item = [Goal("Walk to the park", "g-1"), Goal("Sleep better", null)] };

        var page = QuestionnaireFirstPage.Of(QuestionnaireLocalizer.Localize(Shipped("my-goals"), "en"), opening, "Yes", "No");

        Assert.True(page.Whole);
        var goals = page.Fields.Single(f => f.LinkId == "goal");
        Assert.Equal(2, goals.Instances.Count);
        Assert.Equal(["Walk to the park"], goals.Instances[0].Single(f => f.LinkId == "goal-text").Values);
        var hidden = goals.Instances[0].Single(f => f.LinkId == "goal-id");
        Assert.Equal((FirstPageFieldKind.Hidden, "g-1"), (hidden.Kind, Assert.Single(hidden.Values)));
        Assert.Empty(goals.Instances[1].Single(f => f.LinkId == "goal-id").Values);
        var confidence = goals.Instances[0].Single(f => f.LinkId == "goal-confidence");
        Assert.Equal((FirstPageFieldKind.Integer, 0, 10), (confidence.Kind, confidence.Min, confidence.Max));
        Assert.Equal(FirstPageFieldKind.Date, goals.Instances[0].Single(f => f.LinkId == "goal-by-when").Kind);
    }
}
