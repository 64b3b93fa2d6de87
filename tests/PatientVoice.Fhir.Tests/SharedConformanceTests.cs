using PatientVoice.Fhir.Conformance;
using PatientVoice.Testing;
using System.Text.Json;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Questionnaires;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Fhir.Tests.Fixtures;

namespace PatientVoice.Fhir.Tests;

/// <summary>
/// Questionnaires and responses written by others (../shared/conformance, never edited): each is accepted, or rejected with
/// an issue that says why — never an exception. The outcome of each file is pinned below so that a change shows.
/// </summary>
[Collection(ValidatorCollection.Name)]
public sealed class SharedConformanceTests(ValidatorFixture fixture)
{
    private static readonly Outcome Accepted = new(true, null);

    // What R4 core (plus our package) says about each shared Questionnaire. The rejections are findings about the files:
    // strict JSON (numbers as strings, misspelt 'lindId', empty arrays, missing status), que-2/que-11, extension contexts,
    // dom-3, ref-1, broken xhtml. SDC meta.profiles cannot be resolved offline and only warn.
    private static readonly Dictionary<string, Outcome> QuestionnaireOutcomes = new(StringComparer.Ordinal)
    {
        ["lforms/4712701.json"] = Accepted,
        ["lforms/answerExpTest.R4.json"] = Accepted,
        ["lforms/answerOption-valueCoding.choice.R4.json"] = Accepted,
        ["lforms/answerOption-valueCoding.open-choice.R4.json"] = Rejected("Instance failed constraint que-11 \"If one or more answerOption is present, initial[x]"),
        ["lforms/answerOption-valueDate.R4.json"] = Rejected("Extension context failed invariant constraint type='choice' or type='open-choice'"),
        ["lforms/answerOption-valueInteger.R4.json"] = Rejected("Extension context failed invariant constraint type='choice' or type='open-choice'"),
        ["lforms/answerOption-valueString.R4.json"] = Rejected("Extension context failed invariant constraint type='choice' or type='open-choice'"),
        ["lforms/answerOption-valueTime.R4.json"] = Rejected("Extension context failed invariant constraint type='choice' or type='open-choice'"),
        ["lforms/argonaut-phq9-ish.json"] = Rejected("Element 'Questionnaire.text.div' with minimum cardinality 1 must be present"),
        ["lforms/Argonaut-questionnaire-questionnaire-example-asq3.json"] = Rejected("Found unknown element 'system'"),
        ["lforms/bit-of-everything.json"] = Accepted,
        ["lforms/brokenValueSet.json"] = Rejected("Element 'Questionnaire.item[0].linkId' with minimum cardinality 1 must be present"),
        ["lforms/calculatedListAnwers.json"] = Accepted,
        ["lforms/date-in-repeating-group.json"] = Accepted,
        ["lforms/editableCalcExp.json"] = Rejected("string '1' is not the right type of literal for a decimal"),
        ["lforms/enableWhen-test.R4.json"] = Rejected("string 'true' is not the right type of literal for a boolean"),
        ["lforms/enableWhenExpressionTest.json"] = Accepted,
        ["lforms/enableWhenOnCalculatedValueFromFHIRPath.json"] = Rejected("string 'fs1_value' is not a correct literal for a id"),
        ["lforms/errorMessagesDemo.json"] = Accepted,
        ["lforms/expression-on-data-from-prepopulation.json"] = Rejected("Instance failed constraint dom-3 \"If the resource is contained in another resource, it"),
        ["lforms/extractObs-test.R4.json"] = Rejected("Instance failed constraint que-11 \"If one or more answerOption is present, initial[x]"),
        ["lforms/fhir-context-q-wrong-fhircontext.json"] = Rejected("string '1' is not the right type of literal for a decimal"),
        ["lforms/fhir-context-q-wrong-valueset-url-fhircontext.json"] = Rejected("string '1' is not the right type of literal for a decimal"),
        ["lforms/fhir-context-q-wrong-valueset-url.json"] = Rejected("string '1' is not the right type of literal for a decimal"),
        ["lforms/fhir-context-q.json"] = Rejected("string '1' is not the right type of literal for a decimal"),
        ["lforms/fhirpath-expression-on-repeating-items.R4.json"] = Rejected("Instance failed constraint dom-3 \"If the resource is contained in another resource, it"),
        ["lforms/group-under-question.R4.json"] = Accepted,
        ["lforms/hidden-item-questionnaire.R4.json"] = Accepted,
        ["lforms/launchContext.json"] = Accepted,
        ["lforms/matrixLayoutMultipleSelectionWithData.R4.json"] = Rejected("Found unknown element 'lindId'"),
        ["lforms/matrixLayoutSingleSelectionWithData.R4.json"] = Rejected("Found unknown element 'lindId'"),
        ["lforms/multipleCodes.json"] = Rejected("string '1' is not the right type of literal for a decimal"),
        ["lforms/named-expressions.json"] = Accepted,
        ["lforms/nested-repeating-groups-that-contain-an-item-with-answerValueSet.R4.json"] = Accepted,
        ["lforms/Observation-Extract-Category-Test.R4.json"] = Rejected("Instance failed constraint que-2 \"The link ids for groups and questions must be unique"),
        ["lforms/phq9.json"] = Rejected("string '1' is not the right type of literal for a decimal"),
        ["lforms/q-enableWhen-with-reference-loop.json"] = Accepted,
        ["lforms/q-items-under-repeating-choice-item.json"] = Accepted,
        ["lforms/q-with-answerValueSet-autocomplete-searchfield.json"] = Accepted,
        ["lforms/q-with-answerValueSet-autocomplete.json"] = Accepted,
        ["lforms/q-with-answerValueSet-matrix.json"] = Rejected("Found unknown element 'lindId'"),
        ["lforms/q-with-answerValueSet-radiobutton-checkbox.json"] = Accepted,
        ["lforms/q-with-contained-image.json"] = Rejected("Instance failed constraint dom-3 \"If the resource is contained in another resource, it"),
        ["lforms/q-with-invalid-xhtml.json"] = Rejected("Invalid Xml encountered. Details: Data at the root level is invalid. Line 1, position 19."),
        ["lforms/quantity-units.json"] = Rejected("Element '$this.status' with minimum cardinality 1 must be present"),
        ["lforms/question-under-question.R4.json"] = Accepted,
        ["lforms/questionnaire-answerOption.initialSelected.json"] = Rejected("Instance failed constraint que-11 \"If one or more answerOption is present, initial[x]"),
        ["lforms/questionnaire-calculatedExpression.json"] = Rejected("Element 'Questionnaire.contained[0].expansion.timestamp' with minimum cardinality 1 must be present"),
        ["lforms/questionnaire-data-control.json"] = Rejected("An array needs to have at least one element"),
        ["lforms/questionnaire-hidden-extension-wo.json"] = Rejected("An array needs to have at least one element"),
        ["lforms/questionnaire-hidden-extension.json"] = Accepted,
        ["lforms/questionnaire-initialExpression-2values.json"] = Rejected("Element 'Questionnaire.contained[0].status' with minimum cardinality 1 must be present"),
        ["lforms/questionnaire-initialExpression.json"] = Rejected("Element 'Questionnaire.contained[0].expansion.timestamp' with minimum cardinality 1 must be present"),
        ["lforms/questionnaire-initialx.json"] = Rejected("Instance failed constraint que-11 \"If one or more answerOption is present, initial[x]"),
        ["lforms/questionnaire-with-entryFormat.json"] = Accepted,
        ["lforms/repeating-group-that-contain-an-item-with-answerValueSet.R4.json"] = Accepted,
        ["lforms/rxterms.R4.checkboxes.json"] = Accepted,
        ["lforms/rxterms.R4.json"] = Accepted,
        ["lforms/rxterms.R4.with-autofill-calexp.checkboxes.json"] = Accepted,
        ["lforms/rxterms.R4.with-autofill-calexp.json"] = Accepted,
        ["lforms/rxterms.R4.with-autofill-calexp2.checkboxes.json"] = Accepted,
        ["lforms/rxterms.R4.with-autofill-calexp2.json"] = Accepted,
        ["lforms/tables.json"] = Accepted,
        ["lforms/test-enablewhen.json"] = Accepted,
        ["lforms/ussg-fhp.json"] = Rejected("string '1' is not the right type of literal for a decimal"),
        ["lforms/variable-scope-test.json"] = Rejected("Found unknown element 'comment'"),
        ["lforms/weightHeightQuestionnaire.json"] = Rejected("string '1' is not the right type of literal for a decimal"),
        ["lforms/x-fhir-query-test.R4.json"] = Accepted,
        ["pco/Questionnaire-GAD7.json"] = Accepted,
        ["pco/Questionnaire-health-inventory-example.json"] = Accepted,
        ["pco/Questionnaire-PHQ9.json"] = Accepted,
        ["sdc/extract-complex-defn3.json"] = Accepted,
        ["sdc/extract-complex-template.json"] = Rejected("Instance failed constraint ref-1 \"SHALL have a contained resource if a local reference is"),
        ["sdc/extract-complex-template2.json"] = Rejected("Instance failed constraint ref-1 \"SHALL have a contained resource if a local reference is"),
    };

    // Responses that name no questionnaire are paired by file name with the form they were made from.
    private static readonly Dictionary<string, string> PairedByFileName = new(StringComparer.Ordinal)
    {
        ["lforms/qr-items-under-repeating-choice-item.json"] = "lforms/q-items-under-repeating-choice-item.json",
        ["lforms/qr-with-answerValueSet-autocomplete-searchfield.json"] = "lforms/q-with-answerValueSet-autocomplete-searchfield.json",
        ["lforms/rxterms.R4.QR.json"] = "lforms/rxterms.R4.json",
    };

    // Checking each shared response against its Questionnaire: valid, unparseable (and why), or no questionnaire here.
    private static readonly Dictionary<string, string> ResponseOutcomes = new(StringComparer.Ordinal)
    {
        ["lforms/fhir-sdc-response-ussgfht.json"] = "unparseable: Encountered an unexpected json object while reading the value for primitive element 'questionnaire'",
        ["lforms/hidden-item-questionnaire-response.R4.json"] = "valid",
        ["lforms/qr-items-under-repeating-choice-item.json"] = "valid",
        ["lforms/qr-with-answerValueSet-autocomplete-searchfield.json"] = "valid",
        ["lforms/qr-with-answerValueSet-autocomplete.json"] = "unparseable: Element '$this.status' with minimum cardinality 1 must be present",
        ["lforms/qr-with-answerValueSet-matrix.json"] = "unparseable: Element 'QuestionnaireResponse.item[0].linkId' with minimum cardinality 1 must be present",
        ["lforms/qr-with-answerValueSet-radiobutton-checkbox.json"] = "unparseable: Element '$this.status' with minimum cardinality 1 must be present",
        ["lforms/questionnaire-response-allinone-cwe-userdata.json"] = "no questionnaire",
        ["lforms/rxterms.R4.QR.json"] = "valid",
    };

    public static TheoryData<string> SharedQuestionnaires() => SharedFiles("Questionnaire");

    public static TheoryData<string> SharedResponses() => SharedFiles("QuestionnaireResponse");

    [Theory]
    [MemberData(nameof(SharedQuestionnaires))]
    public async System.Threading.Tasks.Task Every_shared_questionnaire_is_accepted_or_rejected_with_a_clear_reason(string file)
    {
        Assert.True(QuestionnaireOutcomes.TryGetValue(file, out var expected), $"{file} has no recorded outcome in SharedConformanceTests");

        var issues = await ParseAndValidate(file);
        var errors = issues.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal).ToList();

        Assert.All(issues, i => Assert.False(string.IsNullOrWhiteSpace(i.Diagnostics)));
        if (expected.IsAccepted)
        {
            Assert.True(errors.Count == 0, string.Join(" | ", errors.Select(e => $"{e.Expression}: {e.Diagnostics}")));
        }
        else
        {
            Assert.Contains(errors, e => e.Diagnostics.Contains(expected.Message!, StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(SharedResponses))]
    public void Every_shared_response_is_checked_against_its_questionnaire_where_that_is_present(string file)
    {
        Assert.True(ResponseOutcomes.TryGetValue(file, out var expected), $"{file} has no recorded outcome in SharedConformanceTests");

        var parsed = FhirJson.TryParse(Read(file));
        if (parsed.Resource is not QuestionnaireResponse response)
        {
            Assert.Contains(parsed.Issues, i => ("unparseable: " + i.Diagnostics).StartsWith(expected, StringComparison.Ordinal));
            return;
        }

        var questionnaire = QuestionnaireFor(file, response);
        if (questionnaire is null)
        {
            Assert.Equal("no questionnaire", expected);
            return;
        }

        var report = fixture.ResponseValidator.Validate(response, questionnaire);
        Assert.True(report.IsValid, string.Join(" | ", report.Errors.Select(e => $"{e.Expression}: {e.Diagnostics}")));
        Assert.Equal("valid", expected);
    }

    [Fact]
    public void Every_recorded_outcome_names_a_shared_file()
    {
        foreach (var file in QuestionnaireOutcomes.Keys.Concat(ResponseOutcomes.Keys))
        {
            Assert.True(File.Exists(Path.Combine(RepositoryPaths.SharedConformance, file)), file);
        }
    }

    private async System.Threading.Tasks.Task<IReadOnlyList<FhirIssue>> ParseAndValidate(string file)
    {
        var parsed = FhirJson.TryParse(Read(file));
        if (parsed.Resource is null)
        {
            return parsed.Issues;
        }

        var report = await fixture.Validator.ValidateAsync(parsed.Resource);
        return report.Issues;
    }

    /// <summary>By the response's questionnaire canonical (url or url|version) or Questionnaire/id; else by file name.</summary>
    private static Questionnaire? QuestionnaireFor(string file, QuestionnaireResponse response)
    {
        var all = SharedFilePaths("Questionnaire")
            .Select(f => (File: f, Form: FhirJson.TryParse(Read(f)).Resource as Questionnaire))
            .Where(x => x.Form is not null)
            .ToList();

        if (response.Questionnaire is { Length: > 0 } named)
        {
            var canonical = QuestionnaireCanonical.Parse(named);
            return all.Select(x => x.Form!).FirstOrDefault(q => q.Url == canonical.Url && (canonical.Version is null || q.Version == canonical.Version))
                ?? all.Select(x => x.Form!).FirstOrDefault(q => named == $"Questionnaire/{q.Id}");
        }

        return PairedByFileName.TryGetValue(file, out var paired) ? all.FirstOrDefault(x => x.File == paired).Form : null;
    }

    private static string Read(string file) => File.ReadAllText(Path.Combine(RepositoryPaths.SharedConformance, file));

    private static TheoryData<string> SharedFiles(string resourceType) => new(SharedFilePaths(resourceType));

    private static List<string> SharedFilePaths(string resourceType)
    {
        var data = new List<string>();
        foreach (var path in Directory.GetFiles(RepositoryPaths.SharedConformance, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            if (json.RootElement.ValueKind == JsonValueKind.Object
                && json.RootElement.TryGetProperty("resourceType", out var type) && type.GetString() == resourceType)
            {
                data.Add(Path.GetRelativePath(RepositoryPaths.SharedConformance, path).Replace('\\', '/'));
            }
        }

        return data;
    }

    private static Outcome Rejected(string message) => new(false, message);

    private sealed record Outcome(bool IsAccepted, string? Message);
}
