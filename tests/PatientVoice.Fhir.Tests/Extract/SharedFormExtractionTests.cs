using Hl7.Fhir.Model;
using PatientVoice.Fhir.Questionnaires.Extract;
using static PatientVoice.Fhir.Tests.Extract.ExtractionTestData;

namespace PatientVoice.Fhir.Tests.Extract;

/// <summary>$extract on forms others wrote: SDC's definition-based example and LHC-Forms' observation-extraction forms.</summary>
public sealed class SharedFormExtractionTests
{
    private static readonly QuestionnaireResponseExtractor Extractor = new();

    [Fact]
    public void The_sdc_definition_example_extracts_a_patient_their_contacts_and_two_vital_signs()
    {
        var result = ExtractDefn3();

        var patient = result.OfType<Patient>().Single();
        Assert.Equal(["Jane", "Maria"], patient.Name.Single().Given);
        Assert.Equal("Citizen", patient.Name.Single().Family);
        Assert.Equal("Jane Maria Citizen", patient.Name.Single().Text);
        Assert.Equal(AdministrativeGender.Female, patient.Gender);
        Assert.Equal("1980-02-03", patient.BirthDate);
        Assert.Equal(("http://example.org/nhio", "8003608166690503"), (patient.Identifier[0].System, patient.Identifier[0].Value));
        Assert.Equal("0400 000 000", patient.Telecom.Single().Value);

        var contacts = result.OfType<RelatedPerson>().ToList();
        Assert.Equal(["John Citizen", "Ann Citizen"], contacts.Select(c => c.Name.Single().Text));
        var patientUrl = result.Resources.Single(r => r.Resource is Patient).FullUrl;
        Assert.All(contacts, c => Assert.Equal(patientUrl, c.Patient.Reference));
    }

    [Fact]
    public void The_sdc_definition_example_observations_take_their_fixed_values_and_expressions()
    {
        var result = ExtractDefn3();

        var observations = result.OfType<Observation>().ToList();
        Assert.Equal(["8302-2", "29463-7"], observations.Select(o => o.Code.Coding.Single().Code));
        var height = observations[0];
        Assert.Equal(ObservationStatus.Final, height.Status);
        Assert.Equal("vital-signs", height.Category.Single().Coding.Single().Code);
        Assert.Equal((1.8m, "m"), (((Quantity)height.Value).Value, ((Quantity)height.Value).Unit));
        Assert.Equal(result.Resources.Single(r => r.Resource is Patient).FullUrl, height.Subject.Reference);
        Assert.Equal("2026-11-20T10:15:00Z", ((FhirDateTime)height.Effective).Value);
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 15, 0, TimeSpan.Zero), height.Issued);
        Assert.Equal("Patient/example-patient", height.Performer.Single().Reference);
        Assert.Equal("QuestionnaireResponse/defn3-response", height.DerivedFrom.Single().Reference);
        Assert.Equal(80m, ((Quantity)observations[1].Value).Value);
    }

    [Fact]
    public void The_sdc_definition_example_reports_the_complication_item_that_has_no_resource_to_go_in()
    {
        var result = ExtractDefn3();

        Assert.Contains(result.Issues, i => i.Diagnostics.Contains("'complication'", StringComparison.Ordinal));
    }

    [Fact]
    public void The_allocated_patient_id_is_the_same_urn_uuid_each_time_the_response_is_extracted()
    {
        Assert.Equal(
            ExtractDefn3().Resources.Select(r => r.FullUrl),
            ExtractDefn3().Resources.Select(r => r.FullUrl));
    }

    [Fact]
    public void An_lforms_form_with_several_codes_extracts_weights_where_observationExtract_is_true_or_inherited_not_where_false()
    {
        var form = SharedQuestionnaire("lforms", "multipleCodes.json");
        var response = ResponseTo(form, "weights",
            Answer("/29463-7", new FhirDecimal(70)), Answer("2", new FhirDecimal(71)), Answer("3", new FhirDecimal(72)));

        var observations = Extractor.Extract(response, form, ContextFor(response)).OfType<Observation>().ToList();

        Assert.Equal([70m, 71m], observations.Select(o => ((Quantity)o.Value).Value));
        Assert.All(observations, o =>
        {
            Assert.Equal(["example", "29463-7"], o.Code.Coding.Select(c => c.Code));
            Assert.Equal("kg", ((Quantity)o.Value).Code);
            Assert.Equal("http://unitsofmeasure.org", ((Quantity)o.Value).System);
            Assert.Equal("QuestionnaireResponse/weights", o.DerivedFrom.Single().Reference);
        });
        Assert.Equal("weights//29463-7/0", observations[0].Identifier.Single().Value);
    }

    [Fact]
    public void An_lforms_item_takes_its_own_observation_categories_over_its_groups()
    {
        var form = SharedQuestionnaire("lforms", "Observation-Extract-Category-Test.R4.json");
        var response = ResponseTo(form, "categories", Group("1060570839573", Answer("6237057833524", new FhirString("a note"))));

        var observation = Extractor.Extract(response, form, ContextFor(response)).OfType<Observation>().Single();

        Assert.Equal("item-1", observation.Code.Coding.Single().Code);
        Assert.Equal(["vital-signs", "vital-signs2"], observation.Category.Select(c => c.Coding[0].Code));
        Assert.Equal("a note", ((FhirString)observation.Value).Value);
    }

    [Fact]
    public void Categories_declared_on_a_group_apply_to_the_observations_extracted_below_it()
    {
        var form = SharedQuestionnaire("lforms", "Observation-Extract-Category-Test.R4.json");
        var group = form.Item.Single(i => i.LinkId == "1060570839573");
        group.Item.RemoveAt(0); // the form repeats one linkId for two items; keep the one without categories of its own
        var response = ResponseTo(form, "categories", Group("1060570839573", Answer("6237057833524", new FhirString("a note"))));

        var observation = Extractor.Extract(response, form, ContextFor(response)).OfType<Observation>().Single();

        Assert.Equal("item-2", observation.Code.Coding.Single().Code);
        Assert.Equal("social-history", observation.Category.Single().Coding.Single().Code);
    }

    [Fact]
    public void An_lforms_form_marked_for_observation_extraction_whose_items_have_no_code_extracts_nothing_and_says_why()
    {
        var form = SharedQuestionnaire("lforms", "extractObs-test.R4.json");
        var response = ResponseTo(form, "uncoded", Answer("blItem1", new FhirBoolean(true)), Answer("choiceItem1", new Coding(null, "code1", "answer 1")));

        var result = Extractor.Extract(response, form, ContextFor(response));

        Assert.Empty(result.OfType<Observation>());
        Assert.Equal(2, result.Issues.Count(i => i.Diagnostics.Contains("has no code", StringComparison.Ordinal)));
        Assert.Equal(["QuestionnaireResponse.item[0]", "QuestionnaireResponse.item[1]"],
            result.ToOperationOutcome().Issue.Where(i => i.Diagnostics.Contains("has no code", StringComparison.Ordinal)).Select(i => i.Expression.Single()));
    }

    [Fact]
    public void A_repeating_answer_marked_for_observation_extraction_gives_one_observation_per_answer()
    {
        var form = new Questionnaire
        {
            Url = "http://example.org/Questionnaire/symptoms",
            Item =
            [
                new Questionnaire.ItemComponent
                {
                    LinkId = "symptom",
                    Type = Questionnaire.QuestionnaireItemType.Choice,
                    Repeats = true,
                    Code = [new Coding("http://loinc.org", "75325-1", "Symptom")],
                    Extension = [new Extension("http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-observationExtract", new FhirBoolean(true))],
                },
            ],
        };
        var response = ResponseTo(form, "symptoms", Answer("symptom", new Coding("http://snomed.info/sct", "49727002", "Cough"), new Coding("http://snomed.info/sct", "386661006", "Fever")));

        var observations = Extractor.Extract(response, form, ContextFor(response)).OfType<Observation>().ToList();

        Assert.Equal(["49727002", "386661006"], observations.Select(o => ((CodeableConcept)o.Value).Coding.Single().Code));
        Assert.Equal(["symptoms/symptom/0", "symptoms/symptom/1"], observations.Select(o => o.Identifier.Single().Value));
    }

    private static ExtractionResult ExtractDefn3()
    {
        var form = SharedQuestionnaire("sdc", "extract-complex-defn3.json");
        var response = ResponseTo(form, "defn3-response",
            Group("patient",
                Group("name", Answer("given", new FhirString("Jane"), new FhirString("Maria")), Answer("family", new FhirString("Citizen"))),
                Answer("gender", new Coding("http://hl7.org/fhir/administrative-gender", "female")),
                Answer("dob", new Date("1980-02-03")),
                Answer("ihi", new FhirString("8003608166690503")),
                Answer("mobile-phone", new FhirString("0400 000 000"))),
            Group("contacts", Answer("contact-name", new FhirString("John Citizen")), Answer("relationship", new Coding("http://terminology.hl7.org/CodeSystem/v2-0131", "N"))),
            Group("contacts", Answer("contact-name", new FhirString("Ann Citizen"))),
            Group("obs", Answer("height", new FhirDecimal(1.8m)), Answer("weight", new FhirDecimal(80)), Answer("complication", new FhirBoolean(false))));
        return Extractor.Extract(response, form, ContextFor(response));
    }
}
