using Hl7.Fhir.Model;
using PatientVoice.Fhir.Questionnaires;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Fhir.Validation;

namespace PatientVoice.Fhir.Tests;

/// <summary>One rule of QuestionnaireResponse-vs-Questionnaire checking per test, over one small questionnaire.</summary>
public sealed class QuestionnaireResponseRulesTests
{
    private const string Rules = """
        {"resourceType":"Questionnaire","url":"http://example.org/Questionnaire/rules","version":"1","status":"active","item":[
          {"linkId":"intro","type":"display","text":"Hello"},
          {"linkId":"name","type":"string","text":"Name","required":true,"maxLength":10},
          {"linkId":"age","type":"integer","text":"Age","extension":[
            {"url":"http://hl7.org/fhir/StructureDefinition/minValue","valueInteger":0},
            {"url":"http://hl7.org/fhir/StructureDefinition/maxValue","valueInteger":120}]},
          {"linkId":"colour","type":"choice","text":"Colour","answerOption":[
            {"valueCoding":{"system":"http://example.org/colours","code":"red"}},
            {"valueCoding":{"system":"http://example.org/colours","code":"blue"}}]},
          {"linkId":"pets","type":"string","text":"Pets","repeats":true,"extension":[
            {"url":"http://hl7.org/fhir/StructureDefinition/questionnaire-maxOccurs","valueInteger":2}]},
          {"linkId":"smoker","type":"boolean","text":"Do you smoke?"},
          {"linkId":"cigarettes","type":"integer","text":"How many a day?","required":true,
            "enableWhen":[{"question":"smoker","operator":"=","answerBoolean":true}]},
          {"linkId":"visit","type":"group","text":"A visit","repeats":true,"item":[
            {"linkId":"visit-date","type":"date","text":"When?","required":true},
            {"linkId":"visit-ok","type":"boolean","text":"Did it go well?"},
            {"linkId":"visit-why","type":"text","text":"What went wrong?",
              "enableWhen":[{"question":"visit-ok","operator":"=","answerBoolean":false}]}]},
          {"linkId":"once","type":"group","text":"Once","item":[{"linkId":"once-note","type":"string","text":"Note"}]}
        ]}
        """;

    private const string Name = """{"linkId":"name","answer":[{"valueString":"Ana"}]}""";

    private readonly QuestionnaireResponseValidator _validator = new();

    [Fact]
    public void A_response_that_answers_as_the_questionnaire_asks_is_valid()
    {
        var report = Check(Name,
            """{"linkId":"age","answer":[{"valueInteger":42}]}""",
            """{"linkId":"colour","answer":[{"valueCoding":{"system":"http://example.org/colours","code":"blue"}}]}""",
            """{"linkId":"pets","answer":[{"valueString":"cat"},{"valueString":"dog"}]}""",
            """{"linkId":"smoker","answer":[{"valueBoolean":true}]}""",
            """{"linkId":"cigarettes","answer":[{"valueInteger":3}]}""",
            """{"linkId":"visit","item":[{"linkId":"visit-date","answer":[{"valueDate":"2026-01-02"}]},{"linkId":"visit-ok","answer":[{"valueBoolean":false}]},{"linkId":"visit-why","answer":[{"valueString":"Long wait"}]}]}""",
            """{"linkId":"visit","item":[{"linkId":"visit-date","answer":[{"valueDate":"2026-02-03"}]}]}""");

        Assert.Empty(report.Issues);
    }

    [Fact]
    public void A_linkId_the_questionnaire_does_not_have_is_reported_at_that_item() =>
        AssertSingle(Check(Name, """{"linkId":"shoe-size","answer":[{"valueInteger":40}]}"""),
            "QuestionnaireResponse.item[1]", "Item 'shoe-size' does not exist in Questionnaire 'http://example.org/Questionnaire/rules'.");

    [Fact]
    public void An_item_outside_its_group_is_reported_as_misplaced() =>
        AssertSingle(Check(Name, """{"linkId":"visit-ok","answer":[{"valueBoolean":true}]}"""),
            "QuestionnaireResponse.item[1]", "Item 'visit-ok' is not allowed here: in the Questionnaire it is under 'visit'.");

    [Fact]
    public void An_answer_of_the_wrong_type_is_reported_at_the_answer() =>
        AssertSingle(Check(Name, """{"linkId":"age","answer":[{"valueString":"forty"}]}"""),
            "QuestionnaireResponse.item[1].answer[0]", "Answer to 'age' is a string, but a 'integer' item takes integer.");

    [Fact]
    public void A_completed_response_must_answer_required_items() =>
        AssertSingle(Check(),
            "QuestionnaireResponse.item.where(linkId='name')", "Item 'name' is required and has no answer; a completed or amended response must answer it.");

    [Fact]
    public void An_amended_response_must_answer_required_items_too() =>
        // Found by the extraction proof (ExtractionProofTests): an amended goal without its words became a Goal with no description.
        AssertSingle(Check(QuestionnaireResponse.QuestionnaireResponseStatus.Amended),
            "QuestionnaireResponse.item.where(linkId='name')", "Item 'name' is required and has no answer; a completed or amended response must answer it.");

    [Fact]
    public void An_in_progress_response_may_leave_required_items_unanswered() =>
        Assert.Empty(Check(QuestionnaireResponse.QuestionnaireResponseStatus.InProgress).Issues);

    [Fact]
    public void A_required_item_inside_a_group_is_required_in_each_repetition() =>
        AssertSingle(Check(Name,
                """{"linkId":"visit","item":[{"linkId":"visit-date","answer":[{"valueDate":"2026-01-02"}]}]}""",
                """{"linkId":"visit","item":[{"linkId":"visit-ok","answer":[{"valueBoolean":true}]}]}"""),
            "QuestionnaireResponse.item[2].item.where(linkId='visit-date')", "Item 'visit-date' is required and has no answer");

    [Fact]
    public void A_question_that_does_not_repeat_takes_one_answer() =>
        AssertSingle(Check(Name, """{"linkId":"smoker","answer":[{"valueBoolean":false},{"valueBoolean":false}]}"""),
            "QuestionnaireResponse.item[1].answer[1]", "Item 'smoker' does not repeat but has 2 answers.");

    [Fact]
    public void A_group_that_does_not_repeat_appears_once() =>
        AssertSingle(Check(Name, """{"linkId":"once","item":[{"linkId":"once-note","answer":[{"valueString":"a"}]}]}""", """{"linkId":"once","item":[{"linkId":"once-note","answer":[{"valueString":"x"}]}]}"""),
            "QuestionnaireResponse.item[2]", "Group 'once' does not repeat but appears more than once.");

    [Fact]
    public void A_repeating_question_takes_no_more_answers_than_maxOccurs() =>
        AssertSingle(Check(Name, """{"linkId":"pets","answer":[{"valueString":"cat"},{"valueString":"dog"},{"valueString":"fish"}]}"""),
            "QuestionnaireResponse.item[1].answer[2]", "Item 'pets' allows at most 2 answers but has 3.");

    [Fact]
    public void A_choice_answer_must_be_one_of_the_answerOptions() =>
        AssertSingle(Check(Name, """{"linkId":"colour","answer":[{"valueCoding":{"system":"http://example.org/colours","code":"green"}}]}"""),
            "QuestionnaireResponse.item[1].answer[0]", "Answer to 'colour' (http://example.org/colours|green) is not one of its answerOptions.");

    [Fact]
    public void A_text_answer_may_not_be_longer_than_maxLength() =>
        AssertSingle(Check("""{"linkId":"name","answer":[{"valueString":"Bartholomew"}]}"""),
            "QuestionnaireResponse.item[0].answer[0]", "Answer to 'name' is 11 characters long; maxLength is 10.");

    [Theory]
    [InlineData(-1, "Answer to 'age' ('-1') is below its minValue '0'.")]
    [InlineData(121, "Answer to 'age' ('121') is above its maxValue '120'.")]
    public void A_number_must_lie_between_minValue_and_maxValue(int age, string message) =>
        AssertSingle(Check(Name, $$"""{"linkId":"age","answer":[{"valueInteger":{{age}}}]}"""), "QuestionnaireResponse.item[1].answer[0]", message);

    [Fact]
    public void A_display_item_cannot_be_answered() =>
        AssertSingle(Check("""{"linkId":"intro","answer":[{"valueString":"hi"}]}""", Name),
            "QuestionnaireResponse.item[0]", "Item 'intro' is a display item and cannot be answered.");

    [Fact]
    public void An_item_disabled_by_enableWhen_may_not_be_answered() =>
        AssertSingle(Check(Name, """{"linkId":"smoker","answer":[{"valueBoolean":false}]}""", """{"linkId":"cigarettes","answer":[{"valueInteger":3}]}"""),
            "QuestionnaireResponse.item[2]", "Item 'cigarettes' is answered but disabled: its enableWhen ('smoker' = 'true') is not met. Remove the answer.");

    [Fact]
    public void A_required_item_enabled_by_enableWhen_must_be_answered() =>
        AssertSingle(Check(Name, """{"linkId":"smoker","answer":[{"valueBoolean":true}]}"""),
            "QuestionnaireResponse.item.where(linkId='cigarettes')", "Item 'cigarettes' is required");

    [Fact]
    public void A_required_item_disabled_by_enableWhen_need_not_be_answered() =>
        Assert.Empty(Check(Name, """{"linkId":"smoker","answer":[{"valueBoolean":false}]}""").Issues);

    [Fact]
    public void EnableWhen_inside_a_repeating_group_looks_at_its_own_repetition() =>
        AssertSingle(Check(Name,
                """{"linkId":"visit","item":[{"linkId":"visit-date","answer":[{"valueDate":"2026-01-02"}]},{"linkId":"visit-ok","answer":[{"valueBoolean":false}]},{"linkId":"visit-why","answer":[{"valueString":"Long wait"}]}]}""",
                """{"linkId":"visit","item":[{"linkId":"visit-date","answer":[{"valueDate":"2026-02-03"}]},{"linkId":"visit-ok","answer":[{"valueBoolean":true}]},{"linkId":"visit-why","answer":[{"valueString":"Nothing"}]}]}"""),
            "QuestionnaireResponse.item[2].item[2]", "Item 'visit-why' is answered but disabled");

    [Fact]
    public void A_response_to_another_questionnaire_is_reported_at_questionnaire()
    {
        var response = Response("completed", Name);
        response.Questionnaire = "http://example.org/Questionnaire/other|1";

        AssertSingle(_validator.Validate(response, RulesQuestionnaire()), "QuestionnaireResponse.questionnaire",
            "The response names Questionnaire 'http://example.org/Questionnaire/other|1' but is being checked against 'http://example.org/Questionnaire/rules|1'.");
    }

    [Theory]
    [InlineData("exists", "\"answerBoolean\":true", "\"valueInteger\":5", true)]
    [InlineData("exists", "\"answerBoolean\":true", null, false)]
    [InlineData("exists", "\"answerBoolean\":false", null, true)]
    [InlineData("exists", "\"answerBoolean\":false", "\"valueInteger\":5", false)]
    [InlineData("=", "\"answerInteger\":5", "\"valueInteger\":5", true)]
    [InlineData("=", "\"answerInteger\":5", "\"valueInteger\":4", false)]
    [InlineData("=", "\"answerInteger\":5", null, false)]
    [InlineData("!=", "\"answerInteger\":5", "\"valueInteger\":4", true)]
    [InlineData("!=", "\"answerInteger\":5", "\"valueInteger\":5", false)]
    [InlineData("!=", "\"answerInteger\":5", null, false)]
    [InlineData(">", "\"answerInteger\":5", "\"valueInteger\":6", true)]
    [InlineData(">", "\"answerInteger\":5", "\"valueInteger\":5", false)]
    [InlineData("<", "\"answerInteger\":5", "\"valueInteger\":4", true)]
    [InlineData("<", "\"answerInteger\":5", "\"valueInteger\":5", false)]
    [InlineData(">=", "\"answerInteger\":5", "\"valueInteger\":5", true)]
    [InlineData(">=", "\"answerInteger\":5", "\"valueInteger\":4", false)]
    [InlineData("<=", "\"answerInteger\":5", "\"valueInteger\":5", true)]
    [InlineData("<=", "\"answerInteger\":5", "\"valueInteger\":6", false)]
    [InlineData(">", "\"answerDecimal\":2.5", "\"valueDecimal\":3.0", true)]
    [InlineData("<", "\"answerDate\":\"2026-01-01\"", "\"valueDate\":\"2025-12-31\"", true)]
    [InlineData("=", "\"answerString\":\"yes\"", "\"valueString\":\"yes\"", true)]
    [InlineData("=", "\"answerString\":\"yes\"", "\"valueString\":\"Yes\"", false)]
    [InlineData("=", "\"answerCoding\":{\"system\":\"http://example.org/c\",\"code\":\"a\"}", "\"valueCoding\":{\"system\":\"http://example.org/c\",\"code\":\"a\",\"display\":\"A\"}", true)]
    [InlineData("=", "\"answerCoding\":{\"system\":\"http://example.org/c\",\"code\":\"a\"}", "\"valueCoding\":{\"system\":\"http://example.org/other\",\"code\":\"a\"}", false)]
    [InlineData("=", "\"answerBoolean\":true", "\"valueBoolean\":true", true)]
    public void EnableWhen_operators_follow_the_FHIR_definitions(string op, string expected, string? given, bool enabled)
    {
        var type = (given ?? expected).Split(':')[0].Trim('"').Replace("value", "").Replace("answer", "") switch
        {
            "Integer" => "integer", "Decimal" => "decimal", "Date" => "date", "String" => "string", "Coding" => "choice", _ => "boolean",
        };
        var questionnaire = FhirJson.Parse<Questionnaire>($$"""
            {"resourceType":"Questionnaire","status":"active","item":[
              {"linkId":"q","type":"{{type}}"},
              {"linkId":"t","type":"string","enableWhen":[{"question":"q","operator":"{{op}}",{{expected}}}]}]}
            """);
        var answeredQ = given is null ? "" : $$"""{"linkId":"q","answer":[{{{given}}}]},""";
        var response = FhirJson.Parse<QuestionnaireResponse>($$"""
            {"resourceType":"QuestionnaireResponse","status":"completed","item":[{{answeredQ}}{"linkId":"t","answer":[{"valueString":"x"}]}]}
            """);

        var report = _validator.Validate(response, questionnaire);

        Assert.Equal(enabled, !report.Issues.Any(i => i.Code == OperationOutcome.IssueType.BusinessRule));
    }

    [Theory]
    [InlineData("all", true, true, true)]
    [InlineData("all", true, false, false)]
    [InlineData("any", true, false, true)]
    [InlineData("any", false, false, false)]
    public void EnableBehavior_all_needs_every_condition_and_any_needs_one(string behaviour, bool first, bool second, bool enabled)
    {
        var questionnaire = FhirJson.Parse<Questionnaire>($$"""
            {"resourceType":"Questionnaire","status":"active","item":[
              {"linkId":"a","type":"boolean"},{"linkId":"b","type":"boolean"},
              {"linkId":"t","type":"string","enableBehavior":"{{behaviour}}","enableWhen":[
                {"question":"a","operator":"=","answerBoolean":true},{"question":"b","operator":"=","answerBoolean":true}]}]}
            """);
        var response = FhirJson.Parse<QuestionnaireResponse>($$"""
            {"resourceType":"QuestionnaireResponse","status":"completed","item":[
              {"linkId":"a","answer":[{"valueBoolean":{{(first ? "true" : "false")}}}]},
              {"linkId":"b","answer":[{"valueBoolean":{{(second ? "true" : "false")}}}]},
              {"linkId":"t","answer":[{"valueString":"x"}]}]}
            """);

        var report = _validator.Validate(response, questionnaire);

        Assert.Equal(enabled, report.IsValid);
    }

    private static void AssertSingle(ValidationReport report, string expression, string message)
    {
        var issue = Assert.Single(report.Issues);
        Assert.Equal(expression, issue.Expression);
        Assert.StartsWith(message, issue.Diagnostics, StringComparison.Ordinal);
    }

    private ValidationReport Check(params string[] items) => Check(QuestionnaireResponse.QuestionnaireResponseStatus.Completed, items);

    private ValidationReport Check(QuestionnaireResponse.QuestionnaireResponseStatus status, params string[] items) =>
        _validator.Validate(Response(Hl7.Fhir.Utility.EnumUtility.GetLiteral(status)!, items), RulesQuestionnaire());

    private static QuestionnaireResponse Response(string status, params string[] items) =>
        FhirJson.Parse<QuestionnaireResponse>($$"""
            {"resourceType":"QuestionnaireResponse","questionnaire":"http://example.org/Questionnaire/rules|1","status":"{{status}}"{{(items.Length == 0 ? "" : $",\"item\":[{string.Join(",", items)}]")}}}
            """);

    private static Questionnaire RulesQuestionnaire() => FhirJson.Parse<Questionnaire>(Rules);
}
