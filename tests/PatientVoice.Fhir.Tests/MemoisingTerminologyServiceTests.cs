using Hl7.Fhir.Model;
using Hl7.Fhir.Rest;
using Hl7.Fhir.Specification.Source;
using Hl7.Fhir.Specification.Terminology;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Fhir.Validation;

namespace PatientVoice.Fhir.Tests;

/// <summary>
/// The validator's memory of code checks (issue 19): the same answers as the SDK's local terminology service, a repeated
/// question answered at once, and bounded, because the codes come from clients. That whole validations decide the same
/// with it is the differential test's job (Differential/).
/// </summary>
public sealed class MemoisingTerminologyServiceTests
{
    private const string GoalStatus = "http://hl7.org/fhir/ValueSet/goal-status|4.0.1";

    private static readonly Lazy<ICodeValidationTerminologyService> Local = new(() =>
    {
        var options = new ConformanceOptions();
        return new LocalTerminologyService(ConformanceResolver.Create(ConformancePackage.Load(options.ProfilesDirectory), options.CompiledPackagePath).AsAsync());
    });

    [Fact]
    public async System.Threading.Tasks.Task A_repeated_question_gets_the_SDKs_answer_from_memory_without_waiting()
    {
        var memo = new MemoisingTerminologyService(Local.Value, 100);

        foreach (var code in new[] { "proposed", "not-a-goal-status" })
        {
            var expected = await Local.Value.ValueSetValidateCode(Question(GoalStatus, code));
            var first = await memo.ValueSetValidateCode(Question(GoalStatus, code));
            var again = memo.ValueSetValidateCode(Question(GoalStatus, code));

            Assert.True(again.IsCompletedSuccessfully);
            Assert.Equal(FhirJson.Serialize(expected), FhirJson.Serialize(first));
            Assert.Equal(FhirJson.Serialize(expected), FhirJson.Serialize(await again));
        }

        Assert.Equal(2, memo.Count);
        Assert.True((await memo.ValueSetValidateCode(Question(GoalStatus, "proposed"))).GetSingleValue<FhirBoolean>("result")?.Value);
        Assert.False((await memo.ValueSetValidateCode(Question(GoalStatus, "not-a-goal-status"))).GetSingleValue<FhirBoolean>("result")?.Value);
    }

    [Fact]
    public async System.Threading.Tasks.Task Distinct_codes_from_clients_never_hold_more_than_the_capacity()
    {
        var memo = new MemoisingTerminologyService(Local.Value, 8);

        for (var i = 0; i < 100; i++)
        {
            await memo.ValueSetValidateCode(Question(GoalStatus, $"hostile-{i}"));
            Assert.InRange(memo.Count, 1, 8);
        }
    }

    [Fact]
    public async System.Threading.Tasks.Task A_huge_code_is_checked_but_not_remembered()
    {
        var memo = new MemoisingTerminologyService(Local.Value, 100);

        var answer = await memo.ValueSetValidateCode(Question(GoalStatus, new string('x', 10_000)));

        Assert.False(answer.GetSingleValue<FhirBoolean>("result")?.Value);
        Assert.Equal(0, memo.Count);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_value_set_that_cannot_be_resolved_here_fails_every_time_and_is_not_remembered()
    {
        var memo = new MemoisingTerminologyService(Local.Value, 100);

        for (var i = 0; i < 2; i++)
        {
            await Assert.ThrowsAsync<FhirOperationException>(() => memo.ValueSetValidateCode(Question("http://example.org/ValueSet/not-here", "x")));
        }

        Assert.Equal(0, memo.Count);
    }

    [Fact]
    public void Questions_that_differ_in_any_parameter_are_different_questions()
    {
        var keys = new[]
        {
            MemoisingTerminologyService.KeyOf(Question(GoalStatus, "proposed")),
            MemoisingTerminologyService.KeyOf(Question(GoalStatus, "proposed", display: "Proposed")),
            MemoisingTerminologyService.KeyOf(Question(GoalStatus, "proposed", abstractAllowed: true)),
            MemoisingTerminologyService.KeyOf(Question(GoalStatus, "proposed", system: "http://example.org/other")),
            MemoisingTerminologyService.KeyOf(Question("http://hl7.org/fhir/ValueSet/goal-status|4.0.0", "proposed")),
            MemoisingTerminologyService.KeyOf(new Parameters().Add("url", new FhirUri(GoalStatus)).Add("coding", new Coding("http://hl7.org/fhir/goal-status", "proposed"))),
            MemoisingTerminologyService.KeyOf(new Parameters().Add("url", new FhirUri(GoalStatus)).Add("codeableConcept", new CodeableConcept("http://hl7.org/fhir/goal-status", "proposed"))),
        };

        Assert.All(keys, k => Assert.NotNull(k));
        Assert.Equal(keys.Length, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(keys[0], MemoisingTerminologyService.KeyOf(Question(GoalStatus, "proposed")));
        Assert.Null(MemoisingTerminologyService.KeyOf(new Parameters().Add("url", new FhirUri(GoalStatus)).Add("valueSet", new ValueSet())));
    }

    private static Parameters Question(string valueSet, string code, string system = "http://hl7.org/fhir/goal-status", string? display = null, bool? abstractAllowed = null)
    {
        var question = new Parameters().Add("url", new FhirUri(valueSet)).Add("code", new Code(code)).Add("system", new FhirUri(system));
        if (display is not null)
        {
            question.Add("display", new FhirString(display));
        }

        if (abstractAllowed is not null)
        {
            question.Add("abstract", new FhirBoolean(abstractAllowed));
        }

        return question;
    }
}
