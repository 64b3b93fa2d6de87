using System.Diagnostics;
using System.Globalization;
using PatientVoice.Testing;
using Xunit.Abstractions;

namespace PatientVoice.EndToEnd.Tests.BenchmarkSmoke;

/// <summary>
/// One documented benchmark command run as a user runs it: <c>dotnet PatientVoice.Benchmarks.dll command options</c>, the
/// benchmark's own build (<see cref="RepositoryPaths.BenchmarksAssembly"/>) as its own process, with its whole output kept.
/// The assertions read what the command prints for a reader: its result lines and the table row docs/benchmarks.md
/// collects.
/// </summary>
internal sealed class BenchmarkRun
{
    // Generous: a loaded CI machine is slow; a smoke that takes this long has hung.
    private static readonly TimeSpan Cap = TimeSpan.FromMinutes(6);

    private BenchmarkRun(IReadOnlyList<string> arguments, int exitCode, IReadOnlyList<string> output, TimeSpan elapsed)
    {
        Arguments = arguments;
        ExitCode = exitCode;
        Output = output;
        Elapsed = elapsed;
    }

    public IReadOnlyList<string> Arguments { get; }

    public int ExitCode { get; }

    public IReadOnlyList<string> Output { get; }

    public TimeSpan Elapsed { get; }

    /// <summary>The command line and everything it printed, for a failure message.</summary>
    public string Transcript
        => string.Create(CultureInfo.InvariantCulture, $"$ dotnet PatientVoice.Benchmarks.dll {string.Join(' ', Arguments)}\n(exit code {ExitCode}, {Elapsed.TotalSeconds:F0} s)\n{string.Join('\n', Output)}");

    public static async Task<BenchmarkRun> RunAsync(ITestOutputHelper log, params string[] arguments)
    {
        var clock = Stopwatch.StartNew();
        await using var process = await HostProcess.StartAsync(new HostProcessOptions(RepositoryPaths.BenchmarksAssembly)
        {
            Arguments = arguments,
            OutputLines = 10_000,
        });
        if (!await process.WaitForExitAsync(Cap))
        {
            throw new TimeoutException($"dotnet PatientVoice.Benchmarks.dll {string.Join(' ', arguments)} still ran after {Cap.TotalMinutes:F0} minutes; its last output:\n{process.RecentOutput}");
        }

        var run = new BenchmarkRun(arguments, process.ExitCode, process.Output, clock.Elapsed);
        log.WriteLine(run.Transcript);
        return run;
    }

    /// <summary>The first line that contains <paramref name="text"/>; fails the test with the transcript if none does.</summary>
    public string Line(string text)
        => Output.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"No line with \"{text}\" in the output:\n{Transcript}");

    /// <summary>
    /// The cells of the last Markdown table row printed (<c>| a | b | … |</c>), the row a reader pastes into
    /// docs/benchmarks.md; fails the test with the transcript if there is none.
    /// </summary>
    public IReadOnlyList<string> ResultRow()
        => ResultRows() is { Count: > 0 } rows
            ? rows[^1]
            : throw new Xunit.Sdk.XunitException($"No result row (| … |) in the output:\n{Transcript}");

    /// <summary>The cells of every Markdown table row printed, in order (a benchmark that times several things prints a row each).</summary>
    public IReadOnlyList<IReadOnlyList<string>> ResultRows()
        => Output.Where(l => l.StartsWith("| ", StringComparison.Ordinal)).Select(row =>
        {
            var cells = row.Split('|').Select(c => c.Trim()).ToList();
            return (IReadOnlyList<string>)cells[1..(row.TrimEnd().EndsWith('|') ? cells.Count - 1 : cells.Count)];
        }).ToList();

    /// <summary>A number as the benchmarks print them (invariant culture, thousands separators allowed).</summary>
    public static double Number(string text)
        => double.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new Xunit.Sdk.XunitException($"\"{text}\" is not a number.");
}
