using System.Globalization;
using System.Text.RegularExpressions;
using PatientVoice.Testing;
using Xunit.Abstractions;

namespace PatientVoice.EndToEnd.Tests.BenchmarkSmoke;

/// <summary>
/// The benchmarks that start the sandbox EHR beside PatientVoice and drive it through the portal (chromium, or virtual users
/// over HTTP), each run once as its documented command with tiny parameters. As <see cref="ServerBenchmarkSmokeTests"/>:
/// exit code 0, the documented output, plausible figures; no timing thresholds.
/// </summary>
[Collection(BenchmarkSmokeCollection.Name)]
public sealed partial class PortalBenchmarkSmokeTests(ITestOutputHelper log)
{
    private static readonly string[] Screenshots =
        ["patient-1-home.png", "patient-2-form.png", "patient-3-review.png", "patient-4-sent.png", "clinician-1-clinic-list.png", "clinician-2-patient.png"];

    private static readonly byte[] PngSignature = [0x89, (byte)'P', (byte)'N', (byte)'G'];

    [Fact]
    public async Task Patient_form_times_the_questionnaire_on_a_first_and_a_returning_visit_and_counts_the_bytes()
    {
        var run = await BenchmarkRun.RunAsync(log, "patient-form", "--runs", "1", "--warmup", "0");

        Assert.True(run.ExitCode == 0, run.Transcript);
        Assert.Matches(@"^run 1: first visit first question \d+ ms, ready \d+ ms, interactive \d+ ms", run.Line("run 1: "));
        var firstVisit = FormReport(run, "first visit (empty cache) (n = 1):");
        var returning = FormReport(run, "returning (cached) (n = 1):");
        Assert.True(firstVisit.Bytes > 0 && firstVisit.Requests > 0, run.Transcript);
        Assert.True(returning.Requests > 0, run.Transcript);
    }

    [Fact]
    public async Task Load_runs_patients_clinicians_and_an_integrator_and_finds_every_acknowledged_submission_stored_once()
    {
        // 4 users: 2 patients, 1 clinician, 1 integrator; short pauses so that a patient submits within the 20 s.
        var run = await BenchmarkRun.RunAsync(log, "load", "--users", "4", "--seconds", "20", "--verify-seconds", "60", "--think-ms", "500", "--draft-every-ms", "500", "--drafts", "1");

        Assert.True(run.ExitCode == 0, run.Transcript);
        run.Line("load: 2 patients, 1 clinicians, 1 integrators for 20 s");
        var row = run.ResultRow(); // | instances | store | users | duration | acknowledged | errors | lost | duplicated | (verified in N s)
        Assert.True(row.Count == 9, run.Transcript);
        Assert.Equal(["1", "SQLite", "4", "0.3 min"], row.Take(4));
        Assert.True(BenchmarkRun.Number(row[4]) > 0, $"no submission acknowledged\n{run.Transcript}");
        Assert.Equal(["0", "0", "0"], row.Skip(5).Take(3));
        Assert.Matches(@"^\(verified in \d+ s\)$", row[8]);
    }

    [Fact]
    public async Task Screenshots_writes_the_readmes_pictures_into_the_folder_given_and_leaves_docs_alone()
    {
        var docs = Path.Combine(RepositoryPaths.Root, "docs", "screenshots");
        var before = Directory.GetFiles(docs).ToDictionary(f => f, File.GetLastWriteTimeUtc);
        using var output = new ScratchDirectory();

        var run = await BenchmarkRun.RunAsync(log, "screenshots", "--out", output.Path);

        Assert.True(run.ExitCode == 0, run.Transcript);
        Assert.All(Screenshots, name =>
        {
            var path = Path.Combine(output.Path, name);
            Assert.True(File.Exists(path), $"{name} missing\n{run.Transcript}");
            Assert.Equal(PngSignature, File.ReadAllBytes(path)[..4]);
            run.Line(path + ": ");
        });
        Assert.Equal(before, Directory.GetFiles(docs).ToDictionary(f => f, File.GetLastWriteTimeUtc));
    }

    // A Report block of patient-form: "first question: p50 X ms, p95 Y ms, max Z ms", "ready: …", "interactive: …",
    // "transferred: X KB at most (N bytes; D KB decoded), R requests".
    private static (long Bytes, int Requests) FormReport(BenchmarkRun run, string header)
    {
        var at = run.Output.ToList().IndexOf(header);
        Assert.True(at >= 0 && at + 4 < run.Output.Count, $"no \"{header}\" block\n{run.Transcript}");
        foreach (var (line, label) in run.Output.Skip(at + 1).Take(3).Zip(["first question:", "ready:", "interactive:"]))
        {
            var times = FormTimes().Match(line);
            Assert.True(times.Success && line.TrimStart().StartsWith(label, StringComparison.Ordinal), $"\"{line}\" is not the {label} line\n{run.Transcript}");
            var (p50, p95, max) = (BenchmarkRun.Number(times.Groups["p50"].Value), BenchmarkRun.Number(times.Groups["p95"].Value), BenchmarkRun.Number(times.Groups["max"].Value));
            Assert.True(p50 > 0 && p50 <= p95 && p95 <= max, $"{line}\n{run.Transcript}");
        }

        var transferred = Transferred().Match(run.Output[at + 4]);
        Assert.True(transferred.Success, $"\"{run.Output[at + 4]}\" is not the transferred line\n{run.Transcript}");
        return (long.Parse(transferred.Groups["bytes"].Value, NumberStyles.Number, CultureInfo.InvariantCulture), int.Parse(transferred.Groups["requests"].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@": +p50 (?<p50>\d+) ms, p95 (?<p95>\d+) ms, max (?<max>\d+) ms$")]
    private static partial Regex FormTimes();

    [GeneratedRegex(@"^  transferred: [0-9.]+ KB at most \((?<bytes>[0-9,]+) bytes; \d+ KB decoded\), (?<requests>\d+) requests$")]
    private static partial Regex Transferred();
}
