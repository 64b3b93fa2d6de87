using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Questionnaires;
using PatientVoice.Fhir.Questionnaires.Extract;
using PatientVoice.Fhir.Serialization;

namespace PatientVoice.Fhir.Tests.Differential;

/// <summary>
/// Every generated submission (<see cref="SubmissionCorpus"/>) taken through what a submission does, in its order, with
/// full Firely validation (<see cref="ReferenceValidator"/>) as the judge: the questionnaire the response names is found
/// (as the store finds it: url|version, or the newest for a bare url), the response is extracted (refused when extraction
/// reports an error), the response as the transaction stores it (with its narrative) is validated against its profiles
/// and its Questionnaire, and, when it passes, every other entry of the transaction (what was extracted, the patient note,
/// the Provenance) is validated in full too. Made once per test run. <c>PATIENTVOICE_DIFFERENTIAL_RESOURCES</c> raises
/// the count (never below the 10,000 issue 19 requires).
/// </summary>
public sealed class ExtractionProofFixture : IAsyncLifetime
{
    public ExtractionProofFixture()
    {
        var requested = Environment.GetEnvironmentVariable("PATIENTVOICE_DIFFERENTIAL_RESOURCES");
        Count = Math.Max(DifferentialFixture.RequiredResources, requested is null ? 0 : int.Parse(requested, CultureInfo.InvariantCulture));
    }

    public int Count { get; }

    public SubmissionCorpus Corpus { get; private set; } = null!;

    public IReadOnlyList<SubmissionRun> Runs { get; private set; } = [];

    public TimeSpan Elapsed { get; private set; }

    public async Task InitializeAsync()
    {
        ThreadPool.GetMinThreads(out var workers, out var ports);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), ports);

        var options = new ConformanceOptions();
        var package = ConformancePackage.Load(options.ProfilesDirectory);
        Corpus = new SubmissionCorpus(package, Count);
        var reference = new ReferenceValidator(
            options.ProfilesDirectory,
            Path.Combine(AppContext.BaseDirectory, "specification.zip"),
            DefaultProfileRule.PatientVoiceDefaults(),
            new HashSet<string>(options.IgnoredMetaProfiles, StringComparer.Ordinal));
        var extractor = new QuestionnaireResponseExtractor();
        var responses = new QuestionnaireResponseValidator();

        var clock = Stopwatch.StartNew();
        var runs = new SubmissionRun[Count];
        await Task.Run(() => Parallel.For(0, Count, new ParallelOptions { MaxDegreeOfParallelism = DifferentialFixture.Threads },
            i => runs[i] = Submit(Corpus.Make(i), package, extractor, responses, reference)));
        Elapsed = clock.Elapsed;
        Runs = runs;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static SubmissionRun Submit(GeneratedSubmission submission, ConformancePackage package, QuestionnaireResponseExtractor extractor, QuestionnaireResponseValidator responses, ReferenceValidator reference)
    {
        // What reaches a submission is what the server's parser made of the body: a mutation the parser refuses
        // (a code outside an enumeration, a malformed date) is a 400 or 422 before anything else.
        QuestionnaireResponse response;
        try
        {
            response = (QuestionnaireResponse)FhirResourceParser.Parse(FhirSerializer.ToJson(submission.Response), FhirFormat.Json);
        }
        catch (Exception e) when (e is FhirException or InvalidOperationException or FormatException or ArgumentException or Hl7.Fhir.Validation.CodedValidationException)
        {
            return new SubmissionRun(SubmissionCase.Of(submission), SubmissionVerdict.NotParsed, null, []);
        }

        // The server names a new response before it extracts (SubmissionService), whatever the body said.
        if (string.IsNullOrEmpty(response.Id))
        {
            response.Id = $"named-{submission.Index}";
        }

        if (string.IsNullOrWhiteSpace(response.Questionnaire) || package.FindQuestionnaire(response.Questionnaire) is not { } questionnaire)
        {
            return new SubmissionRun(SubmissionCase.Of(submission), SubmissionVerdict.NoQuestionnaire, null, []);
        }

        // Submitted at a time of its own: Provenance.recorded and the note's date come from the clock.
        var now = new DateTimeOffset(2026, 11, 20, 10, 16, 0, TimeSpan.Zero).AddMinutes(submission.Index * 37 % 500_000);
        Bundle transaction;
        try
        {
            var result = extractor.Extract(response, questionnaire, ExtractionContext.For(response, new FixedClock(now)) with { ResponseVersionId = null });
            if (result.Issues.Any(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal))
            {
                return new SubmissionRun(SubmissionCase.Of(submission), SubmissionVerdict.RefusedByExtraction, null, []);
            }

            transaction = extractor.ToTransaction(result, response);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new SubmissionRun(SubmissionCase.Of(submission), SubmissionVerdict.ExtractionThrew, $"{e.GetType().Name}: {e.Message}", []);
        }

        var stored = (QuestionnaireResponse)transaction.Entry[0].Resource;
        var profile = reference.Validate(stored);
        var answers = responses.Validate(stored, questionnaire);
        if (!profile.Accepted || !answers.IsValid)
        {
            return new SubmissionRun(SubmissionCase.Of(submission), SubmissionVerdict.ResponseRejected, null, []);
        }

        var extracted = transaction.Entry.Skip(1).Select(e => e.Resource).ToList();
        var refused = extracted
            .Select(resource => (resource, outcome: reference.Validate(resource)))
            .Where(x => !x.outcome.Accepted)
            .Select(x => $"{x.resource.TypeName}: {x.outcome.Exception ?? string.Join(" | ", x.outcome.Messages)}")
            .ToList();
        return new SubmissionRun(SubmissionCase.Of(submission), SubmissionVerdict.Accepted, null, refused)
        {
            Extracted = extracted.Select(r => r.TypeName).ToList(),
        };
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

public enum SubmissionVerdict
{
    /// <summary>The body the response makes is refused by the server's parser (400 or 422), before anything else.</summary>
    NotParsed,

    /// <summary>The canonical names no questionnaire we ship (a mutation broke it): the server refuses before extracting.</summary>
    NoQuestionnaire,

    /// <summary>The extractor reported an error (e.g. no subject): the server refuses with it.</summary>
    RefusedByExtraction,

    /// <summary>The extractor threw: the server would answer 500.</summary>
    ExtractionThrew,

    /// <summary>The stored response fails full validation or its Questionnaire's rules: the server refuses it (entry 0).</summary>
    ResponseRejected,

    /// <summary>The response passes: what was extracted was validated in full too (<see cref="SubmissionRun.Refused"/>).</summary>
    Accepted,
}

/// <summary>What became of one generated submission; <see cref="Refused"/>: the extracted resources full validation refused.</summary>
public sealed record SubmissionRun(SubmissionCase Case, SubmissionVerdict Verdict, string? Exception, IReadOnlyList<string> Refused)
{
    /// <summary>The types of the transaction's other entries (what was extracted, the note, the Provenance), when accepted.</summary>
    public IReadOnlyList<string> Extracted { get; init; } = [];
}

/// <summary>What a report needs of a generated submission (not the response itself: 10,000 of those need not stay in memory).</summary>
public sealed record SubmissionCase(int Index, string Questionnaire, MutationKind? Kind, string Description, IReadOnlySet<string> Answered)
{
    public static SubmissionCase Of(GeneratedSubmission submission) => new(
        submission.Index,
        $"{submission.Questionnaire.Url}|{submission.Questionnaire.Version}",
        submission.Kind,
        submission.Describe(),
        AnsweredLinkIds(submission.Response.Item).ToHashSet(StringComparer.Ordinal));

    private static IEnumerable<string> AnsweredLinkIds(IEnumerable<QuestionnaireResponse.ItemComponent> items) =>
        items.SelectMany(i => (i.Answer.Count > 0 ? [i.LinkId ?? string.Empty] : Array.Empty<string>())
            .Concat(AnsweredLinkIds(i.Item))
            .Concat(AnsweredLinkIds(i.Answer.SelectMany(a => a.Item))));
}
