using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using Hl7.FhirPath.Expressions;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Fhir.Tests.Fixtures;
using PatientVoice.Fhir.Validation;
using PatientVoice.Testing;

namespace PatientVoice.Fhir.Tests;

/// <summary>
/// ADR 0038: which values no rule reads (<see cref="ValidationShapeRules"/>), the shape that leaves them out
/// (<see cref="ValidationShape"/>) and the validator's memory of shapes. That a shape's report is the resource's own is
/// proven over the generated corpus by the differential tests; these pin down the rules one by one.
/// </summary>
[Collection(ValidatorCollection.Name)]
public sealed class ValidationShapeTests(ValidatorFixture validators)
{
    private const int Max = ProfileValidator.MaxShapeLength;

    [Fact]
    public async System.Threading.Tasks.Task Free_text_and_reference_ids_of_a_Goal_are_read_by_no_rule_but_a_Questionnaire_walked_by_que_2_keeps_everything()
    {
        var rules = await validators.Validator.ShapeRules;

        var goal = rules.For("Goal")!;
        Assert.Contains("text", goal.OpaqueNames);
        Assert.True(goal.ReferenceIdsAreOpaque);
        Assert.Contains("code", goal.BoundNames);

        var questionnaire = rules.For("Questionnaire")!;
        Assert.Empty(questionnaire.OpaqueNames);
        Assert.Contains(questionnaire.Reasons, r => r.Contains("que-2", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("note.text.length() < 10", "text")]
    [InlineData("note.where(text = 'x').exists()", "text")]
    [InlineData("description.text.matches('^[a-z]+$')", "text")]
    public async System.Threading.Tasks.Task A_constraint_that_reads_a_value_keeps_that_name(string expression, string name)
    {
        var rules = await AnalyseGoalWithAsync(expression);
        Assert.DoesNotContain(name, rules.OpaqueNames);
        Assert.Contains(rules.Reasons, r => r.StartsWith($"{name}: ", StringComparison.Ordinal) && r.Contains("test-1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("note.text.exists() and description.text.empty().not()")]
    [InlineData("note.count() > 1 or children().count() > 2")]
    [InlineData("subject.reference = expressedBy.reference")]
    [InlineData("subject.reference.startsWith('Patient/')")]
    public async System.Threading.Tasks.Task A_constraint_that_only_tests_presence_or_compares_references_keeps_text_and_reference_ids_opaque(string expression)
    {
        var rules = await AnalyseGoalWithAsync(expression);
        Assert.Contains("text", rules.OpaqueNames);
        Assert.True(rules.ReferenceIdsAreOpaque, string.Join("\n", rules.Reasons));
    }

    [Theory]
    [InlineData("subject.reference.startsWith('Patient/bench')")]
    [InlineData("subject.reference.length() < 20")]
    [InlineData("subject.reference = 'Patient/1'")]
    public async System.Threading.Tasks.Task A_constraint_that_reads_a_reference_id_keeps_reference_ids(string expression)
    {
        var rules = await AnalyseGoalWithAsync(expression);
        Assert.False(rules.ReferenceIdsAreOpaque);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_constraint_that_walks_the_tree_for_more_than_a_count_keeps_everything()
    {
        var rules = await AnalyseGoalWithAsync("descendants().text.exists()");
        Assert.Empty(rules.OpaqueNames);
        Assert.False(rules.ReferenceIdsAreOpaque);
    }

    [Fact]
    public async System.Threading.Tasks.Task Two_Goals_that_differ_only_in_free_text_and_patient_have_one_shape()
    {
        var rules = await validators.Validator.ShapeRules;
        var one = Shape(rules, PatientStatedGoal.Json("Patient/bench-1", "Walk to the end of the road (1)"));
        var other = Shape(rules, PatientStatedGoal.Json("Patient/bench-2", "Swim twice a week, no matter what"));

        Assert.Equal(one.Key, other.Key);
        Assert.DoesNotContain("bench-1", one.Key, StringComparison.Ordinal);
        Assert.DoesNotContain("Walk", one.Key, StringComparison.Ordinal);
        // description.text, note.text, subject and expressedBy.
        Assert.Equal(4, one.LeftOut.Count);
        Assert.Equal(2, one.LeftOut.Count(v => v.IsReference));
    }

    [Theory]
    [InlineData("\"Walk to the end of the road\"", "\" Walk to the end of the road\"")]
    [InlineData("\"Walk to the end of the road\"", "\"Walk to the end  of the road\"")]
    [InlineData("\"Walk to the end of the road\"", "\"Walk to the end of the road \ud83d\udeb6\"")]
    [InlineData("\"Walk to the end of the road\"", "\"Walk\\tto the end\"")]
    [InlineData("\"Personal health goal\"", "\"Some other display\"")]
    [InlineData("\"87528-6\"", "\"87528-7\"")]
    [InlineData("\"Patient/bench-1\"},\"startDate\"", "\"Patient/bench-9\"},\"startDate\"")]
    [InlineData("\"Patient/bench-1\"},\"startDate\"", "\"Group/bench-1\"},\"startDate\"")]
    [InlineData("\"Patient/bench-1\"},\"startDate\"", "\"Patient/g1\"},\"startDate\"")]
    [InlineData("\"2026-01-15\"", "\"2026-01-16\"")]
    public async System.Threading.Tasks.Task What_a_rule_can_see_makes_another_shape(string from, string to)
    {
        var rules = await validators.Validator.ShapeRules;
        var json = PatientStatedGoal.Json("Patient/bench-1", "Walk to the end of the road").Replace("\"note\"", "\"id\":\"g1\",\"note\"", StringComparison.Ordinal);
        var changed = ReplaceFirst(json, from, to);
        Assert.NotEqual(json, changed);

        Assert.NotEqual(Shape(rules, json).Key, Shape(rules, changed).Key);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_resource_with_contained_resources_or_a_reference_equal_to_one_kept_as_it_is_has_no_shape()
    {
        var rules = await validators.Validator.ShapeRules;
        var goal = FhirJson.Parse<Goal>(PatientStatedGoal.Json("Patient/bench-1", "Walk"));
        goal.Contained.Add(new Patient { Id = "p" });
        Assert.Null(ValidationShape.Of(goal, rules, Max));

        var kept = FhirJson.Parse<Goal>(PatientStatedGoal.Json("Patient/bench-1", "Walk"));
        kept.Extension.Add(new Extension("http://example.org/ext", new ResourceReference("Patient/bench-1")));
        Assert.Null(ValidationShape.Of(kept, rules, Max));

        Assert.Null(ValidationShape.Of(FhirJson.Parse<Goal>(PatientStatedGoal.Json("Patient/bench-1", "Walk")), rules, 100));
    }

    [Fact]
    public async System.Threading.Tasks.Task The_second_Goal_of_a_shape_is_answered_from_memory_with_the_report_full_validation_gives()
    {
        var options = new ConformanceOptions();
        var validator = new ProfileValidator(Microsoft.Extensions.Options.Options.Create(options), validators.Package, Microsoft.Extensions.Logging.Abstractions.NullLogger<ProfileValidator>.Instance);
        var full = new ProfileValidator(Microsoft.Extensions.Options.Options.Create(new ConformanceOptions { ValidationShapeCacheSize = 0 }), validators.Package, Microsoft.Extensions.Logging.Abstractions.NullLogger<ProfileValidator>.Instance);
        await validator.ShapeRules;

        var first = FhirJson.Parse<Goal>(PatientStatedGoal.Json("Patient/bench-1", "Walk to the end of the road"));
        var second = FhirJson.Parse<Goal>(PatientStatedGoal.Json("Patient/bench-2", "Swim twice a week"));
        second.Category.Clear();
        var third = FhirJson.Parse<Goal>(PatientStatedGoal.Json("Patient/bench-3", "Sleep through the night"));
        third.Category.Clear();

        validator.Validate(first);
        validator.Validate(second);
        Assert.Equal(0, validator.Shapes!.Hits);
        var remembered = validator.Validate(third);

        Assert.Equal(1, validator.Shapes.Hits);
        Assert.False(remembered.IsValid);
        Assert.Equal(full.Validate(third).Issues, remembered.Issues);
        Assert.Null(full.Shapes);
    }

    [Fact]
    public void A_report_that_mentions_a_value_its_shape_leaves_out_is_not_remembered_and_the_memory_is_bounded()
    {
        var memory = new ValidationShapeMemory(capacity: 2);
        var shape = new ValidationShape.Shape("k", [new ValidationShape.LeftOutValue(new FhirString("my private words"), IsReference: false)]);

        memory.Remember("k1", shape, new ValidationReport([new FhirIssue(OperationOutcome.IssueType.Invalid, "Value 'my private words' is too long")]));
        Assert.False(memory.TryGet("k1", out _));

        memory.Remember("k1", shape, ValidationReport.Valid);
        memory.Remember("k2", shape, ValidationReport.Valid);
        Assert.True(memory.TryGet("k1", out var report));
        Assert.Same(ValidationReport.Valid, report);
        memory.Remember("k3", shape, ValidationReport.Valid);
        Assert.True(memory.Count <= 2);
        Assert.True(memory.TryGet("k3", out _));
    }

    [Fact]
    public void Large_shapes_empty_the_memory_before_their_keys_pass_the_character_budget()
    {
        var memory = new ValidationShapeMemory(capacity: 4096);
        var shape = new ValidationShape.Shape("k", []);
        var large = (int)(ValidationShapeMemory.MaxKeyCharacters / 3) + 1;
        for (var i = 0; i < 3; i++)
        {
            memory.Remember(new string((char)('a' + i), large), shape, ValidationReport.Valid);
        }

        // The third key would pass the budget: the first two were let go.
        Assert.Equal(1, memory.Count);
        Assert.True(memory.TryGet(new string('c', large), out _));
    }

    private static ValidationShape.Shape Shape(ValidationShapeRules rules, string json) =>
        ValidationShape.Of(FhirJson.Parse<Goal>(json), rules, Max) ?? throw new InvalidOperationException("no shape");

    private static string ReplaceFirst(string text, string from, string to)
    {
        var at = text.IndexOf(from, StringComparison.Ordinal);
        return at < 0 ? text : string.Concat(text.AsSpan(0, at), to, text.AsSpan(at + from.Length));
    }

    private async Task<ValidationShapeRules.TypeRules> AnalyseGoalWithAsync(string expression)
    {
        _ = await validators.Validator.ShapeRules;
        var options = new ConformanceOptions();
        var resolver = ConformanceResolver.Create(validators.Package, options.CompiledPackagePath);
        var definitions = new List<StructureDefinition>();
        foreach (var type in new[] { "Goal", "CodeableConcept", "Annotation", "Reference", "Coding", "Element" })
        {
            definitions.Add((StructureDefinition)(await resolver.ResolveByCanonicalUriAsync($"http://hl7.org/fhir/StructureDefinition/{type}"))!.DeepCopy());
        }

        definitions[0].Snapshot.Element[0].Constraint.Add(new ElementDefinition.ConstraintComponent
        {
            Key = "test-1",
            Severity = ConstraintSeverity.Error,
            Human = "a test constraint",
            Expression = expression,
        });
        return ValidationShapeRules.Analyse(definitions, new FhirPathCompiler(new SymbolTable().AddStandardFP().AddFhirExtensions()));
    }
}
