using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace PatientVoice.Testing.Load;

/// <summary>How a step ended: served; refused for a reason the user can act on (another tab or user changed it first); or an error.</summary>
public enum StepOutcome
{
    Ok,
    Conflict,
    Error,
}

/// <summary>One timed step of a journey.</summary>
public sealed record StepSample(string Step, long StopwatchTicks, StepOutcome Outcome, int Instance, string? Detail, DateTimeOffset At);

/// <summary>A submission PatientVoice acknowledged to a virtual patient (the review page's post answered with the "sent" page).</summary>
public sealed record AcknowledgedSubmission(string Patient, string Questionnaire, string ResponseId, int Instance, DateTimeOffset At);

/// <summary>What the virtual users did: every step's latency and outcome, and every acknowledged submission. Thread-safe.</summary>
public sealed class LoadRecorder
{
    private readonly ConcurrentQueue<StepSample> _samples = new();
    private readonly ConcurrentQueue<AcknowledgedSubmission> _acknowledged = new();

    public IReadOnlyList<StepSample> Samples => [.. _samples];

    public IReadOnlyList<AcknowledgedSubmission> Acknowledged => [.. _acknowledged];

    public void Record(string step, long ticks, StepOutcome outcome, int instance, string? detail = null)
        => _samples.Enqueue(new StepSample(step, ticks, outcome, instance, detail, DateTimeOffset.UtcNow));

    public void Acknowledge(AcknowledgedSubmission submission) => _acknowledged.Enqueue(submission);

    public IReadOnlyList<StepSample> Errors => [.. _samples.Where(s => s.Outcome == StepOutcome.Error)];

    /// <summary>A Markdown table: per step, count, p50/p95/p99/max in ms, conflicts and errors; then the first distinct errors.</summary>
    public string Report(TimeSpan duration)
    {
        var text = new StringBuilder();
        text.AppendLine("| step | n | per s | p50 ms | p95 ms | p99 ms | max ms | conflicts | errors |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var group in _samples.GroupBy(s => s.Step).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var sorted = group.Select(s => s.StopwatchTicks).Order().ToArray();
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {group.Key} | {sorted.Length} | {sorted.Length / duration.TotalSeconds:F1} | {Ms(sorted, 0.50):F1} | {Ms(sorted, 0.95):F1} | {Ms(sorted, 0.99):F1} | {Ms(sorted, 1):F1} | {group.Count(s => s.Outcome == StepOutcome.Conflict)} | {group.Count(s => s.Outcome == StepOutcome.Error)} |"));
        }

        foreach (var error in Errors.GroupBy(e => (e.Step, e.Detail)).Take(15))
        {
            text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"error x{error.Count()}: {error.Key.Step} (instance {error.First().Instance}): {error.Key.Detail}"));
        }

        return text.ToString();
    }

    // Nearest rank over every sample: no bucketing.
    private static double Ms(long[] sorted, double fraction)
    {
        var rank = Math.Clamp((int)Math.Ceiling(fraction * sorted.Length), 1, sorted.Length);
        return sorted[rank - 1] * 1000.0 / Stopwatch.Frequency;
    }
}
