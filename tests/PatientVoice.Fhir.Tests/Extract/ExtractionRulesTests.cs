using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Fhir.Questionnaires.Extract;
using static PatientVoice.Fhir.Tests.Extract.ExtractionTestData;

namespace PatientVoice.Fhir.Tests.Extract;

/// <summary>SDC extraction rules on small forms made for the rule at hand.</summary>
public sealed class ExtractionRulesTests
{
    private const string Sdc = "http://hl7.org/fhir/uv/sdc/StructureDefinition/";
    private static readonly QuestionnaireResponseExtractor Extractor = new();

    [Fact]
    public void A_definitionExtract_on_the_questionnaire_itself_makes_one_resource_from_the_whole_response()
    {
        var form = new Questionnaire
        {
            Url = "http://example.org/Questionnaire/allergy",
            Extension =
            [
                DefinitionExtract("http://hl7.org/fhir/StructureDefinition/AllergyIntolerance"),
                ExtractValue("AllergyIntolerance.patient", expression: "%resource.subject"),
                ExtractValue("AllergyIntolerance.clinicalStatus.coding", fixedValue: new Coding("http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical", "active")),
            ],
            Item =
            [
                new Questionnaire.ItemComponent
                {
                    LinkId = "substance",
                    Type = Questionnaire.QuestionnaireItemType.String,
                    Definition = "http://hl7.org/fhir/StructureDefinition/AllergyIntolerance#AllergyIntolerance.code.text",
                },
            ],
        };
        var response = ResponseTo(form, "allergy-response", Answer("substance", new FhirString("Penicillin")));

        var result = Extractor.Extract(response, form, ContextFor(response));

        var allergy = result.OfType<AllergyIntolerance>().Single();
        Assert.Equal("Penicillin", allergy.Code.Text);
        Assert.Equal("Patient/example-patient", allergy.Patient.Reference);
        Assert.Equal("active", allergy.ClinicalStatus.Coding.Single().Code);
        Assert.Equal("allergy-response/$root/0", allergy.Identifier.Single().Value);
        Assert.Empty(result.Issues);
    }

    [Fact]
    public void Items_marked_component_become_components_and_items_marked_member_become_members_of_their_groups_observation()
    {
        var form = new Questionnaire
        {
            Url = "http://example.org/Questionnaire/blood-pressure",
            Item =
            [
                new Questionnaire.ItemComponent
                {
                    LinkId = "bp",
                    Type = Questionnaire.QuestionnaireItemType.Group,
                    Code = [new Coding("http://loinc.org", "85354-9", "Blood pressure panel")],
                    Extension = [new Extension(Sdc + "sdc-questionnaire-observationExtract", new FhirBoolean(true))],
                    Item =
                    [
                        Coded("systolic", "8480-6", "component"),
                        Coded("diastolic", "8462-4", "component"),
                        Coded("heart-rate", "8867-4", "member"),
                    ],
                },
            ],
        };
        var response = ResponseTo(form, "bp-response",
            Group("bp", Answer("systolic", new Integer(120)), Answer("diastolic", new Integer(80)), Answer("heart-rate", new Integer(64))));

        var result = Extractor.Extract(response, form, ContextFor(response));

        var observations = result.OfType<Observation>().ToList();
        Assert.Equal(2, observations.Count);
        var panel = observations[0];
        Assert.Equal("85354-9", panel.Code.Coding.Single().Code);
        Assert.Equal(["8480-6", "8462-4"], panel.Component.Select(c => c.Code.Coding.Single().Code));
        Assert.Equal(120, ((Integer)panel.Component[0].Value).Value);
        Assert.Equal(result.Resources[1].FullUrl, panel.HasMember.Single().Reference);
        Assert.Equal("8867-4", observations[1].Code.Coding.Single().Code);
    }

    [Fact]
    public void An_expression_that_does_not_compile_is_reported_and_the_rest_is_still_extracted()
    {
        var form = new Questionnaire
        {
            Url = "http://example.org/Questionnaire/broken",
            Item =
            [
                new Questionnaire.ItemComponent
                {
                    LinkId = "g",
                    Type = Questionnaire.QuestionnaireItemType.Group,
                    Extension = [DefinitionExtract("http://hl7.org/fhir/StructureDefinition/Goal"), ExtractValue("Goal.subject", expression: "%resource.subject.(")],
                    Item = [new Questionnaire.ItemComponent { LinkId = "t", Type = Questionnaire.QuestionnaireItemType.String, Definition = "http://hl7.org/fhir/StructureDefinition/Goal#Goal.description.text" }],
                },
            ],
        };
        var response = ResponseTo(form, "broken-response", Group("g", Answer("t", new FhirString("Walk more"))));

        var result = Extractor.Extract(response, form, ContextFor(response));

        Assert.Equal("Walk more", result.OfType<Goal>().Single().Description.Text);
        Assert.Contains(result.Issues, i => i.Code == OperationOutcome.IssueType.Exception && i.Diagnostics.Contains("%resource.subject.(", StringComparison.Ordinal));
    }

    [Fact]
    public async System.Threading.Tasks.Task One_extractor_serves_parallel_extractions_with_the_same_results()
    {
        var form = new Questionnaire
        {
            Url = "http://example.org/Questionnaire/parallel",
            Item =
            [
                new Questionnaire.ItemComponent
                {
                    LinkId = "g",
                    Type = Questionnaire.QuestionnaireItemType.Group,
                    Repeats = true,
                    Extension = [DefinitionExtract("http://hl7.org/fhir/StructureDefinition/Goal"), ExtractValue("Goal.subject", expression: "%resource.subject")],
                    Item = [new Questionnaire.ItemComponent { LinkId = "t", Type = Questionnaire.QuestionnaireItemType.String, Definition = "http://hl7.org/fhir/StructureDefinition/Goal#Goal.description.text" }],
                },
            ],
        };

        var results = await System.Threading.Tasks.Task.WhenAll(Enumerable.Range(0, 64).Select(n => System.Threading.Tasks.Task.Run(() =>
        {
            var response = ResponseTo(form, $"r{n}", Group("g", Answer("t", new FhirString($"goal {n}"))), Group("g", Answer("t", new FhirString("second"))));
            return (n, Result: Extractor.Extract(response, form, ContextFor(response)));
        })));

        Assert.All(results, r =>
        {
            var goals = r.Result.OfType<Goal>().ToList();
            Assert.Equal([$"goal {r.n}", "second"], goals.Select(g => g.Description.Text));
            Assert.Equal([$"r{r.n}/g/0", $"r{r.n}/g/1"], goals.Select(g => g.Identifier.Single().Value));
            Assert.All(goals, g => Assert.Equal("Patient/example-patient", g.Subject.Reference));
        });
    }

    [Fact]
    public void AddFhirConformance_registers_one_extractor_for_the_process()
    {
        using var services = new ServiceCollection().AddLogging().AddFhirConformance().BuildServiceProvider();

        Assert.Same(services.GetRequiredService<QuestionnaireResponseExtractor>(), services.GetRequiredService<QuestionnaireResponseExtractor>());
    }

    private static Extension DefinitionExtract(string definition) =>
        new() { Url = Sdc + "sdc-questionnaire-definitionExtract", Extension = [new Extension("definition", new Canonical(definition))] };

    private static Extension ExtractValue(string path, string? expression = null, DataType? fixedValue = null)
    {
        var type = path.Split('.')[0];
        return new Extension
        {
            Url = Sdc + "sdc-questionnaire-definitionExtractValue",
            Extension =
            [
                new Extension("definition", new FhirUri($"http://hl7.org/fhir/StructureDefinition/{type}#{path}")),
                expression is not null
                    ? new Extension("expression", new Expression { Language = "text/fhirpath", Expression_ = expression })
                    : new Extension("fixed-value", fixedValue),
            ],
        };
    }

    private static Questionnaire.ItemComponent Coded(string linkId, string loinc, string mode) => new()
    {
        LinkId = linkId,
        Type = Questionnaire.QuestionnaireItemType.Integer,
        Code = [new Coding("http://loinc.org", loinc)],
        Extension = [new Extension(Sdc + "sdc-questionnaire-observationExtract", new Code(mode))],
    };
}
