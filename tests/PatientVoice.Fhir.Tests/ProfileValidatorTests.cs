using PatientVoice.Testing;
using Hl7.Fhir.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Questionnaires;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Fhir.Tests.Fixtures;
using PatientVoice.Fhir.Validation;

namespace PatientVoice.Fhir.Tests;

[Collection(ValidatorCollection.Name)]
public sealed class ProfileValidatorTests(ValidatorFixture fixture)
{
    [Fact]
    public async System.Threading.Tasks.Task The_LHC_Forms_meta_profile_is_ignored()
    {
        var response = Example<QuestionnaireResponse>("QuestionnaireResponse-valid.json");
        response.Meta!.Profile = [.. response.Meta.Profile, "http://hl7.org/fhir/4.0/StructureDefinition/QuestionnaireResponse"];

        var report = await fixture.Validator.ValidateAsync(response);

        Assert.True(report.IsValid);
        Assert.DoesNotContain(report.Issues, i => i.Diagnostics.Contains("4.0/StructureDefinition", StringComparison.Ordinal));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_meta_profile_unknown_here_warns_and_the_rest_is_still_validated()
    {
        var goal = Example<Goal>("Goal-patient-stated-invalid-no-expressedBy.json");
        goal.Meta!.Profile = ["http://hl7.org/fhir/us/core/StructureDefinition/us-core-goal"];

        var report = await fixture.Validator.ValidateAsync(goal);

        Assert.Contains(report.Issues, i => i.Severity == OperationOutcome.IssueSeverity.Warning
            && i.Expression == "Goal.meta.profile[0]" && i.Diagnostics.Contains("us-core-goal' is not known here", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.Expression == "Goal.expressedBy");
    }

    [Fact]
    public async System.Threading.Tasks.Task A_goal_is_held_to_the_patient_stated_goal_profile_even_without_meta_profile()
    {
        var goal = Example<Goal>("Goal-patient-stated-invalid-no-expressedBy.json");
        goal.Meta = null;

        var report = await fixture.Validator.ValidateAsync(goal);

        Assert.Contains(report.Errors, e => e.Expression == "Goal.expressedBy");
    }

    [Fact]
    public async System.Threading.Tasks.Task Without_default_profiles_only_core_and_meta_profile_apply()
    {
        var goal = Example<Goal>("Goal-patient-stated-invalid-no-expressedBy.json");
        goal.Meta = null;

        var report = await fixture.Validator.ValidateAsync(goal, useDefaultProfiles: false);

        Assert.True(report.IsValid);
    }

    [Theory]
    [InlineData("http://loinc.org", "8867-4", null)]
    [InlineData("http://loinc.org", "95541-9", DefaultProfileRule.CarePreference)]
    [InlineData("http://loinc.org", "75773-2", DefaultProfileRule.CarePreference)]
    [InlineData("http://patientvoice.example.org/fhir/CodeSystem/pv-self-knowledge-kind", "triggers", DefaultProfileRule.ConditionSelfKnowledge)]
    public void An_observation_gets_our_profile_only_when_its_code_says_it_is_ours(string system, string code, string? profile)
    {
        var observation = new Observation { Code = new CodeableConcept(system, code) };

        var profiles = fixture.Validator.DefaultProfilesFor(observation);

        Assert.Equal(profile is null ? [] : [profile], profiles);
    }

    [Fact]
    public async System.Threading.Tasks.Task A_provenance_naming_a_source_is_held_to_the_submission_profile_and_one_without_a_source_is_plain_r4()
    {
        var notAResponse = Example<Provenance>("Provenance-submission-invalid-source-is-not-a-response.json");
        notAResponse.Meta = null;
        var pageChange = Example<Provenance>("Provenance-submission-invalid-source-is-not-a-response.json");
        pageChange.Meta = null;
        pageChange.Entity.Clear();

        var withSource = await fixture.Validator.ValidateAsync(notAResponse);
        var withoutSource = await fixture.Validator.ValidateAsync(pageChange);

        Assert.Equal([DefaultProfileRule.SubmissionProvenance], fixture.Validator.DefaultProfilesFor(notAResponse));
        Assert.Contains(withSource.Errors, e => e.Diagnostics.Contains("pv-prov-2", StringComparison.Ordinal));
        Assert.Empty(fixture.Validator.DefaultProfilesFor(pageChange));
        Assert.True(withoutSource.IsValid, string.Join("; ", withoutSource.Errors.Select(e => e.Diagnostics)));
    }

    [Fact]
    public async System.Threading.Tasks.Task A_profile_asked_for_by_name_must_exist()
    {
        var goal = Example<Goal>("Goal-patient-stated-valid.json");

        var report = await fixture.Validator.ValidateAsync(goal, ["http://example.org/StructureDefinition/nothing-here"]);

        Assert.False(report.IsValid);
    }

    [Fact]
    public void The_default_profiles_name_profiles_in_our_package()
    {
        Assert.Equal(DefaultProfileRule.Canonical, fixture.Package.Canonical);
        Assert.All(DefaultProfileRule.PatientVoiceDefaults(), rule =>
            Assert.Contains(fixture.Package.Profiles, p => p.Url == rule.Profile && p.Type == rule.ResourceType));
    }

    [Fact]
    public void The_package_finds_our_questionnaire_by_canonical_with_or_without_version()
    {
        Assert.NotNull(fixture.Package.FindQuestionnaire("http://patientvoice.example.org/fhir/Questionnaire/my-goals"));
        Assert.NotNull(fixture.Package.FindQuestionnaire("http://patientvoice.example.org/fhir/Questionnaire/my-goals|0.1.0"));
        Assert.Null(fixture.Package.FindQuestionnaire("http://patientvoice.example.org/fhir/Questionnaire/my-goals|9.9.9"));
    }

    [Fact]
    public void AddFhirConformance_registers_one_validator_and_warms_it_when_the_host_starts()
    {
        using var services = new ServiceCollection().AddLogging().AddFhirConformance().BuildServiceProvider();

        Assert.Same(services.GetRequiredService<ProfileValidator>(), services.GetRequiredService<ProfileValidator>());
        Assert.NotNull(services.GetRequiredService<QuestionnaireResponseValidator>());
        Assert.Equal(4, services.GetRequiredService<ConformancePackage>().Questionnaires.Count());
        Assert.Contains(services.GetServices<IHostedService>(), s => s is ProfileValidatorWarmUp);
    }

    [Fact]
    public async System.Threading.Tasks.Task Validating_in_parallel_gives_the_same_answers_as_one_at_a_time()
    {
        var examples = Directory.GetFiles(RepositoryPaths.Examples, "*-*.json")
            .Where(f => !f.EndsWith("expectations.json", StringComparison.Ordinal))
            .Select(f => FhirJson.Parse<Resource>(File.ReadAllText(f)))
            .ToList();
        var oneAtATime = examples.Select(r => fixture.Validator.Validate(r).Issues.Count).ToList();

        var parallel = await System.Threading.Tasks.Task.WhenAll(Enumerable.Range(0, 4).SelectMany(_ => examples)
            .Select(r => System.Threading.Tasks.Task.Run(() => fixture.Validator.ValidateAsync(r))));

        Assert.Equal(Enumerable.Repeat(oneAtATime, 4).SelectMany(x => x), parallel.Select(r => r.Issues.Count));
    }

    private static T Example<T>(string file) where T : Resource =>
        FhirJson.Parse<T>(File.ReadAllText(Path.Combine(RepositoryPaths.Examples, file)));
}
