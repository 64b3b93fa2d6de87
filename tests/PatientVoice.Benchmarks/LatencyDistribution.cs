using System.Diagnostics;

namespace PatientVoice.Benchmarks;

/// <summary>Every measured latency, sorted once: exact percentiles (nearest rank), no bucketing error.</summary>
internal sealed class LatencyDistribution
{
    private readonly long[] _sortedTicks;

    public LatencyDistribution(IEnumerable<long> stopwatchTicks)
    {
        _sortedTicks = stopwatchTicks.ToArray();
        Array.Sort(_sortedTicks);
    }

    public int Count => _sortedTicks.Length;

    public double MeanMs => Count == 0 ? double.NaN : _sortedTicks.Average() * 1000.0 / Stopwatch.Frequency;

    public double MaxMs => Count == 0 ? double.NaN : ToMs(_sortedTicks[^1]);

    /// <summary>The latency that <paramref name="fraction"/> of requests did not exceed.</summary>
    public double PercentileMs(double fraction)
    {
        if (Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(fraction * Count);
        return ToMs(_sortedTicks[Math.Clamp(rank, 1, Count) - 1]);
    }

    public string Summary()
        => FormattableString.Invariant($"p50 {PercentileMs(0.50):F2} ms, p95 {PercentileMs(0.95):F2} ms, p99 {PercentileMs(0.99):F2} ms, max {MaxMs:F2} ms, mean {MeanMs:F2} ms (n = {Count})");

    private static double ToMs(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
