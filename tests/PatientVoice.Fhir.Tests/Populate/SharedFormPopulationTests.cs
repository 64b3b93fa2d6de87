using Hl7.Fhir.Model;
using PatientVoice.Fhir.Questionnaires.Populate;
using static PatientVoice.Fhir.Tests.Extract.ExtractionTestData;

namespace PatientVoice.Fhir.Tests.Populate;

/// <summary>$populate on the LHC-Forms test forms (../shared/conformance/lforms): launchContext, initialExpression, variables, initial[x].</summary>
public sealed class SharedFormPopulationTests
{
    private static readonly QuestionnairePopulator Populator = new();

    [Fact]
    public async Task The_family_health_portrait_takes_the_patients_name_birth_date_and_gender_from_the_patient_launch_context()
    {
        var form = SharedQuestionnaire("lforms", "ussg-fhp.json");
        var patient = PopulateTestData.Patient();

        var result = await Populator.PopulateAsync(form, PopulateContext.ForPatient(patient));

        var response = result.Response;
        Assert.Equal(QuestionnaireResponse.QuestionnaireResponseStatus.InProgress, response.Status);
        Assert.Equal("Patient/pat-ana", response.Subject.Reference);
        Assert.Equal("Ana Torres", Answer<FhirString>(response, "/54126-8/54125-0").Value);
        Assert.Equal("1961-04-12", Answer<Date>(response, "/54126-8/21112-8").Value);
        var gender = Answer<Coding>(response, "/54114-4/54123-5");
        Assert.Equal(("http://loinc.org", "LA3-6"), (gender.System, gender.Code));
        Assert.DoesNotContain(result.Issues, i => i.Severity == OperationOutcome.IssueSeverity.Warning && i.Diagnostics.Contains("patient", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_the_patient_the_items_that_need_it_stay_empty_and_the_issues_say_which()
    {
        var form = SharedQuestionnaire("lforms", "ussg-fhp.json");

        var result = await Populator.PopulateAsync(form, new PopulateContext(new ResourceReference("Patient/pat-ana")));

        Assert.Empty(Item(result.Response, "/54126-8/54125-0").Answer);
        var notFilled = result.Issues.Where(i => i.Code == OperationOutcome.IssueType.NotFound).ToList();
        Assert.Equal(3, notFilled.Count);
        Assert.All(notFilled, i => Assert.Contains("'patient' was not given", i.Diagnostics, StringComparison.Ordinal));
        Assert.Contains(notFilled, i => i.Expression!.Contains("/54126-8/21112-8", StringComparison.Ordinal));
        Assert.Contains(result.ToOperationOutcome().Issue, i => i.Severity == OperationOutcome.IssueSeverity.Warning);
    }

    [Fact]
    public async Task Initial_expressions_give_integers_strings_repeating_answers_and_codings_from_the_questionnaire()
    {
        var form = SharedQuestionnaire("lforms", "questionnaire-initialExpression.json");

        var result = await Populator.PopulateAsync(form, new PopulateContext(new ResourceReference("Patient/pat-ana")));

        var response = result.Response;
        Assert.Equal(123, Answer<Integer>(response, "/type-integer").Value);
        Assert.Equal("abc123", Answer<FhirString>(response, "/type-string").Value);
        Assert.Equal(["aaa", "bbb"], Item(response, "repeating-string").Answer.Select(a => ((FhirString)a.Value).Value));
        Assert.Equal(["aaa", "bbb"], Item(response, "repeating-open-choice").Answer.Select(a => ((FhirString)a.Value).Value));
        Assert.Equal(["g", "b"], Item(response, "repeating-open-choice-coding").Answer.Select(a => ((Coding)a.Value).Code));
        Assert.Equal(["Green", "Blue"], Item(response, "repeating-choice").Answer.Select(a => ((Coding)a.Value).Display));
    }

    [Fact]
    public async Task Custom_launch_contexts_are_available_by_their_names()
    {
        var form = SharedQuestionnaire("lforms", "launchContext.json");
        var first = new Basic { Id = "b1", Identifier = [new Identifier("urn:test", "first-basic")], Code = new CodeableConcept("urn:test", "x") };
        var second = new Basic { Id = "b2", Identifier = [new Identifier("urn:test", "second-basic")], Code = new CodeableConcept("urn:test", "x") };
        var context = new PopulateContext(new ResourceReference("Patient/pat-ana")).With("myCustomVar", first).With("varNameFromValueId", second);

        var result = await Populator.PopulateAsync(form, context);

        Assert.Equal("first-basic", Answer<FhirString>(result.Response, "q1").Value);
        Assert.Equal("second-basic", Answer<FhirString>(result.Response, "q2").Value);
    }

    [Fact]
    public async Task A_launch_context_of_the_wrong_type_is_not_used_and_is_reported()
    {
        var form = SharedQuestionnaire("lforms", "ussg-fhp.json");
        var context = new PopulateContext(new ResourceReference("Patient/pat-ana")).With("patient", new Practitioner { Id = "dr" });

        var result = await Populator.PopulateAsync(form, context);

        Assert.Empty(Item(result.Response, "/54126-8/54125-0").Answer);
        Assert.Contains(result.Issues, i => i.Diagnostics.Contains("'patient' is a Practitioner", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Variables_read_data_the_questionnaire_carries_and_fill_a_repeating_item()
    {
        var form = SharedQuestionnaire("lforms", "questionnaire-initialExpression-2values.json");

        var result = await Populator.PopulateAsync(form, new PopulateContext(new ResourceReference("ResearchStudy/rs-1")));

        Assert.Equal(["Blue", "Green"], Item(result.Response, "answersFromParentQR").Answer.Select(a => ((FhirString)a.Value).Value));
    }

    [Fact]
    public async Task Initial_values_and_initially_selected_options_fill_their_items_and_initial_values_win_over_selected_options()
    {
        var initial = await Populator.PopulateAsync(SharedQuestionnaire("lforms", "questionnaire-initialx.json"), new PopulateContext(new ResourceReference("Patient/pat-ana")));
        var selected = await Populator.PopulateAsync(SharedQuestionnaire("lforms", "questionnaire-answerOption.initialSelected.json"), new PopulateContext(new ResourceReference("Patient/pat-ana")));

        Assert.True(Answer<FhirBoolean>(initial.Response, "/type-boolean").Value);
        Assert.Equal(123.45m, Answer<FhirDecimal>(initial.Response, "/type-decimal").Value);
        Assert.Equal("13:28:17", Answer<Time>(initial.Response, "/type-time").Value);
        Assert.Equal(["c1", "c3"], Item(initial.Response, "/type-choice-m").Answer.Select(a => ((Coding)a.Value).Code));
        Assert.Equal("c1", Answer<Coding>(selected.Response, "/type-choice-is").Code);
        Assert.Equal("c2", Answer<Coding>(selected.Response, "/type-choice-is-iv").Code);
        Assert.Equal(["c1", "c2"], Item(selected.Response, "/type-choice-m-2is").Answer.Select(a => ((Coding)a.Value).Code));
        Assert.Equal(["c3", "c4"], Item(selected.Response, "/type-choice-m-2is-2iv").Answer.Select(a => ((Coding)a.Value).Code));
    }

    [Fact]
    public async Task An_expression_that_cannot_run_is_reported_and_the_rest_of_the_form_is_filled()
    {
        var form = new Questionnaire
        {
            Url = "urn:test:broken",
            Status = PublicationStatus.Active,
            Item =
            [
                PopulateTestData.Question("broken", Questionnaire.QuestionnaireItemType.String, "%patient.name[0].given.(("),
                PopulateTestData.Question("query", Questionnaire.QuestionnaireItemType.String, "Patient?_id={{%patient.id}}", "application/x-fhir-query"),
                PopulateTestData.Question("fine", Questionnaire.QuestionnaireItemType.String, "'still here'"),
            ],
        };

        var result = await Populator.PopulateAsync(form, PopulateContext.ForPatient(PopulateTestData.Patient()));

        Assert.Equal("still here", Answer<FhirString>(result.Response, "fine").Value);
        Assert.Contains(result.Issues, i => i.Code == OperationOutcome.IssueType.Exception && i.Diagnostics.Contains("could not be evaluated", StringComparison.Ordinal));
        Assert.Contains(result.Issues, i => i.Code == OperationOutcome.IssueType.NotSupported && i.Diagnostics.Contains("x-fhir-query", StringComparison.Ordinal));
    }

    internal static QuestionnaireResponse.ItemComponent Item(QuestionnaireResponse response, string linkId) =>
        Flatten(response.Item).First(i => i.LinkId == linkId);

    internal static T Answer<T>(QuestionnaireResponse response, string linkId) where T : DataType =>
        Assert.IsType<T>(Assert.Single(Item(response, linkId).Answer).Value);

    private static IEnumerable<QuestionnaireResponse.ItemComponent> Flatten(IEnumerable<QuestionnaireResponse.ItemComponent> items) =>
        items.SelectMany(i => Flatten(i.Item.Concat(i.Answer.SelectMany(a => a.Item))).Prepend(i));
}
