using System.Text;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Questionnaires.Extract;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Fhir.Tests.Fixtures;
using Xunit.Abstractions;

namespace PatientVoice.Fhir.Tests.Differential;

/// <summary>
/// Issue 19's "validate a submission's extracted resources once against rules proven by construction" (docs/adr/0034):
/// a submission to a questionnaire we ship validates its response in full, and does not validate again what the
/// extractor builds from it. That is equivalent to validating everything only if, whenever the response passes, every
/// other entry of the submission's transaction passes full Firely validation too. Checked here over 10,000+ generated and
/// mutated submissions of every shipped questionnaire (<see cref="SubmissionCorpus"/>, <see cref="ExtractionProofFixture"/>).
/// When the response fails, the submission is refused for the response whatever else is validated (the runner reports the
/// first failing entry, and the response comes first), so the decision and the reported paths are the same either way.
/// </summary>
[Collection(ValidatorCollection.Name)]
[Trait("Category", "Differential")]
public sealed class ExtractionProofTests(ValidatorFixture validators, ExtractionProofFixture proof, ITestOutputHelper output) : IClassFixture<ExtractionProofFixture>
{
    [Fact]
    public void What_the_extractor_builds_from_a_response_that_passes_full_validation_passes_full_validation()
    {
        output.WriteLine(Summary());
        var violations = proof.Runs.Where(r => r.Verdict == SubmissionVerdict.Accepted && r.Refused.Count > 0).ToList();

        Assert.True(violations.Count == 0, $"{violations.Count} accepted submissions extracted resources that full validation refuses:\n"
            + string.Join('\n', violations.Take(20).Select(v => $"{v.Case.Description}\n    {string.Join("\n    ", v.Refused)}"))
            + "\nOne of each, as generated:\n" + string.Join('\n', violations.GroupBy(v => v.Refused[0], StringComparer.Ordinal).Take(10)
                .Select(g => $"{g.Key}\n    {FhirJson.Serialize(proof.Corpus.Make(g.First().Case.Index).Response)}")));
    }

    [Fact]
    public void The_generated_submissions_answer_every_item_of_every_shipped_questionnaire_and_many_are_accepted_and_many_refused()
    {
        Assert.True(proof.Runs.Count >= DifferentialFixture.RequiredResources, $"{proof.Runs.Count} submissions");
        foreach (var questionnaire in proof.Corpus.Questionnaires)
        {
            var key = $"{questionnaire.Url}|{questionnaire.Version}";
            var runs = proof.Runs.Where(r => r.Case.Questionnaire == key).ToList();
            var accepted = runs.Where(r => r.Verdict == SubmissionVerdict.Accepted).ToList();
            Assert.True(accepted.Count >= 100, $"{key}: {accepted.Count} accepted");
            Assert.True(runs.Count - accepted.Count >= 100, $"{key}: {runs.Count - accepted.Count} refused");

            // Every question answered in accepted submissions, so every extraction rule was exercised on valid input.
            foreach (var linkId in Answerable(questionnaire.Item))
            {
                var answered = accepted.Count(r => r.Case.Answered.Contains(linkId));
                Assert.True(answered >= 20, $"{key}: '{linkId}' answered in {answered} accepted submissions");
            }

            // And each accepted one was taken all the way: whatever it extracted comes with its Provenance; some
            // extracted nothing (nothing answered that the form turns into a record), and then there is none.
            Assert.All(accepted, r => Assert.Equal(r.Extracted.Count > 0, r.Extracted.Contains("Provenance")));
            Assert.True(accepted.Count(r => r.Extracted.Count > 0) >= 100, $"{key}: {accepted.Count(r => r.Extracted.Count > 0)} accepted with something extracted");
        }

        // Every kind of mutation but a broken slice: our response profile slices nothing, so there is no slice to break.
        foreach (var kind in Enum.GetValues<MutationKind>().Where(k => k is not MutationKind.Valid and not MutationKind.BrokenSlice))
        {
            var mutated = proof.Runs.Count(r => r.Case.Kind == kind);
            Assert.True(mutated >= 100, $"{kind}: {mutated} submissions");
        }

        // Resources of every kind the extractor makes were validated in full, in numbers (the visit agenda List comes from
        // one item of one form, so fewer of those).
        var extracted = proof.Runs.SelectMany(r => r.Extracted).GroupBy(t => t, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var (type, least) in new[] { ("Goal", 500), ("Observation", 500), ("DocumentReference", 500), ("List", 200), ("Provenance", 500) })
        {
            Assert.True(extracted.GetValueOrDefault(type) >= least, $"{type}: {extracted.GetValueOrDefault(type)} extracted and validated");
        }
    }

    [Fact]
    public void No_generated_submission_makes_the_extractor_throw()
    {
        var threw = proof.Runs.Where(r => r.Verdict == SubmissionVerdict.ExtractionThrew).ToList();

        Assert.True(threw.Count == 0, string.Join('\n', threw.Take(20).Select(r => $"{r.Case.Description}: {r.Exception}")));
    }

    [Fact]
    public void The_same_index_always_generates_the_same_submission()
    {
        foreach (var index in new[] { 0, 1, 2, 5_003, proof.Corpus.Count - 1 })
        {
            Assert.Equal(FhirJson.Serialize(proof.Corpus.Make(index).Response), FhirJson.Serialize(proof.Corpus.Make(index).Response));
        }
    }

    [Fact]
    public void Every_shipped_questionnaire_is_covered_as_shipped_and_as_the_store_returns_it_and_no_other()
    {
        var proven = new ProvenExtraction(validators.Package);
        foreach (var shipped in validators.Package.Questionnaires.Concat(validators.Package.PreviousQuestionnaires))
        {
            Assert.True(proven.Covers(shipped), shipped.Url);

            // As the store returns it: an id of its own and meta set, parsed from JSON.
            var stored = (Questionnaire)shipped.DeepCopy();
            stored.Id = "0193b3f2c5d87b2f9a1c3e5d7f9b1a2c";
            stored.Meta = new Meta { VersionId = "3", LastUpdated = DateTimeOffset.UtcNow };
            Assert.True(proven.Covers(FhirJson.Parse<Questionnaire>(FhirJson.Serialize(stored))), $"{shipped.Url} as stored");

            // The same url and version with anything else changed is someone else's questionnaire: not covered.
            var changed = (Questionnaire)stored.DeepCopy();
            changed.Item[^1].Text += ".";
            Assert.False(proven.Covers(changed), $"{shipped.Url} with a changed text");
            var moved = (Questionnaire)stored.DeepCopy();
            moved.Version = "9.9.9";
            Assert.False(proven.Covers(moved), $"{shipped.Url} as another version");
        }
    }

    private string Summary()
    {
        var text = new StringBuilder();
        text.AppendLine($"{proof.Runs.Count} generated submissions, taken through extraction and full validation in {proof.Elapsed.TotalSeconds:F0} s:");
        foreach (var group in proof.Runs.GroupBy(r => r.Verdict).OrderBy(g => g.Key))
        {
            text.AppendLine($"  {group.Key}: {group.Count()}");
        }

        foreach (var group in proof.Runs.GroupBy(r => r.Case.Questionnaire).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            text.AppendLine($"  {group.Key}: {group.Count(r => r.Verdict == SubmissionVerdict.Accepted)} accepted, {group.Count(r => r.Verdict != SubmissionVerdict.Accepted)} refused");
        }

        text.AppendLine("  extracted and validated: " + string.Join(", ", proof.Runs.SelectMany(r => r.Extracted).GroupBy(t => t, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}")));
        return text.ToString();
    }

    private static IEnumerable<string> Answerable(IEnumerable<Questionnaire.ItemComponent> items) =>
        items.SelectMany(i => (i.Type is Questionnaire.QuestionnaireItemType.Display or Questionnaire.QuestionnaireItemType.Group ? Array.Empty<string>() : [i.LinkId ?? string.Empty]).Concat(Answerable(i.Item)));
}
