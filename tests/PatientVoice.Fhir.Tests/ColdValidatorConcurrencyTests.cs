using Hl7.Fhir.Model;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Fhir.Tests.Fixtures;
using PatientVoice.Fhir.Validation;
using PatientVoice.Testing;

namespace PatientVoice.Fhir.Tests;

/// <summary>
/// A freshly started server validates its first requests on a cold validator: each profile is compiled by the first
/// validation that needs it (ADR 0028), often by several requests at once. Every one of them must get the answer a
/// validation alone gets, never an exception (which the API would answer with a 500).
/// </summary>
[Collection(ValidatorCollection.Name)]
public sealed class ColdValidatorConcurrencyTests(ValidatorFixture fixture)
{
    private const int Rounds = 3;
    private const int CopiesOfEach = 3;

    [Fact]
    public async System.Threading.Tasks.Task Concurrent_first_validations_on_a_cold_validator_get_the_answers_a_warm_validator_gives()
    {
        var resources = Resources();
        var expected = resources.Select(r => Describe(fixture.Validator.Validate(r))).ToList();

        for (var round = 0; round < Rounds; round++)
        {
            var options = new ConformanceOptions();
            var cold = new ProfileValidator(Options.Create(options), fixture.Package, NullLogger<ProfileValidator>.Instance);
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

            // Every resource several times over, each on its own thread, all released at once.
            var runs = Enumerable.Range(0, CopiesOfEach).SelectMany(_ => resources.Select((resource, index) => (resource, index)))
                .Select(run => System.Threading.Tasks.Task.Factory.StartNew(
                    () =>
                    {
                        gate.Task.Wait();
                        return (run.index, report: Describe(cold.Validate(run.resource.DeepCopy())));
                    },
                    CancellationToken.None,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default))
                .ToList();
            gate.SetResult();

            foreach (var run in runs)
            {
                var (index, report) = await run;
                Assert.True(expected[index] == report, $"Round {round}: {resources[index].TypeName} #{index} validated concurrently on a cold validator gave\n{report}\ninstead of\n{expected[index]}");
            }
        }
    }

    private static string Describe(ValidationReport report) => string.Join('\n', report.Issues
        .Select(i => $"{i.Severity} {i.Code} {i.Expression}: {i.Diagnostics}")
        .Order(StringComparer.Ordinal));

    // The shipped examples (valid and invalid: the invalid ones reach error paths), our questionnaires, and a
    // transaction Bundle of examples: a Bundle, a Questionnaire and every resource type go through the SDK's
    // corrections of core StructureDefinitions when first compiled.
    private List<Resource> Resources()
    {
        var examples = Directory.EnumerateFiles(RepositoryPaths.Examples, "*.json")
            .Where(f => !f.EndsWith("expectations.json", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(f => FhirJson.TryParse(File.ReadAllText(f)).Resource)
            .OfType<Resource>()
            .ToList();
        var bundle = new Bundle
        {
            Type = Bundle.BundleType.Transaction,
            Entry = [.. examples.Where(e => e is Goal or Observation).Take(4).Select(e => new Bundle.EntryComponent
            {
                FullUrl = "urn:uuid:" + Guid.NewGuid(),
                Resource = e.DeepCopy(),
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.POST, Url = e.TypeName },
            })],
        };
        return [.. examples, .. fixture.Package.Questionnaires, bundle];
    }
}
