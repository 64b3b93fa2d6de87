using System.Diagnostics;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Questionnaires.Extract;
using PatientVoice.Fhir.Tests.Fixtures;
using Xunit.Abstractions;
using static PatientVoice.Fhir.Tests.Extract.ExtractionTestData;

namespace PatientVoice.Fhir.Tests.Extract;

/// <summary>
/// A quick stopwatch timing (not a benchmark: Debug build, shared machine) of what a submission of "My goals" with three
/// goals costs before storage: profile validation, the response-vs-questionnaire check, extraction and the Bundle.
/// The bound is loose on purpose: it catches an order-of-magnitude regression, not noise.
/// </summary>
[Collection(ValidatorCollection.Name)]
public sealed class ExtractionTimingTests(ValidatorFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async System.Threading.Tasks.Task Validating_and_extracting_my_goals_with_three_goals_takes_milliseconds_once_warm()
    {
        var questionnaire = fixture.Package.Questionnaires.Single(q => q.Id == "my-goals");
        var response = Completed("my-goals");
        response.Item.Add((QuestionnaireResponse.ItemComponent)response.Item[0].DeepCopy());
        response.Item[2].Item[0].Answer[0].Value = new FhirString("Cook for my family on Sundays");
        var extractor = new QuestionnaireResponseExtractor();
        await fixture.Validator.ValidateAsync(response);

        var submit = new List<double>();
        var extractOnly = new List<double>();
        var clock = new Stopwatch();
        for (var i = 0; i < 200; i++)
        {
            clock.Restart();
            var report = fixture.Validator.Validate(response).Merge(fixture.ResponseValidator.Validate(response, questionnaire));
            var result = extractor.Extract(response, questionnaire, ContextFor(response));
            extractor.ToTransaction(result, response);
            submit.Add(clock.Elapsed.TotalMilliseconds);
            Assert.True(report.IsValid);
            Assert.Equal(3, result.OfType<Goal>().Count());

            clock.Restart();
            extractor.ToTransaction(extractor.Extract(response, questionnaire, ContextFor(response)), response);
            extractOnly.Add(clock.Elapsed.TotalMilliseconds);
        }

        output.WriteLine($"validate + extract + bundle: p50 {Percentile(submit, 0.5):F2} ms, p95 {Percentile(submit, 0.95):F2} ms; " +
            $"extract + bundle alone: p50 {Percentile(extractOnly, 0.5):F3} ms, p95 {Percentile(extractOnly, 0.95):F3} ms");
        Assert.True(Percentile(submit, 0.5) < 100, $"p50 {Percentile(submit, 0.5):F1} ms");
    }

    private static double Percentile(List<double> times, double p)
    {
        var sorted = times.Order().ToList();
        return sorted[(int)Math.Min(sorted.Count - 1, Math.Floor(p * sorted.Count))];
    }
}
