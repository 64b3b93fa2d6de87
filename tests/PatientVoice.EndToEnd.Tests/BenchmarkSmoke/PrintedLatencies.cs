using System.Globalization;
using System.Text.RegularExpressions;

namespace PatientVoice.EndToEnd.Tests.BenchmarkSmoke;

/// <summary>
/// A latency summary as the benchmarks print it (LatencyDistribution.Summary):
/// <c>p50 1.23 ms, p95 2.34 ms, p99 3.45 ms, max 4.56 ms, mean 1.50 ms (n = 50)</c>.
/// </summary>
internal sealed partial record PrintedLatencies(double P50, double P95, double P99, double Max, double Mean, int Count)
{
    public static PrintedLatencies Parse(string line)
    {
        var match = Summary().Match(line);
        if (!match.Success)
        {
            throw new Xunit.Sdk.XunitException($"No latency summary (p50 … ms, p95 … ms, p99 … ms, max … ms, mean … ms (n = …)) in: {line}");
        }

        double Ms(string name) => double.Parse(match.Groups[name].Value, CultureInfo.InvariantCulture);
        return new PrintedLatencies(Ms("p50"), Ms("p95"), Ms("p99"), Ms("max"), Ms("mean"), int.Parse(match.Groups["n"].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>Fails unless every figure is a positive time in order (p50 ≤ p95 ≤ p99 ≤ max) over <paramref name="count"/> requests (any, if null).</summary>
    public void AssertPlausible(int? count = null)
    {
        Assert.True(count is null ? Count > 0 : Count == count, $"n = {Count}, expected {count?.ToString(CultureInfo.InvariantCulture) ?? "> 0"}");
        Assert.True(P50 > 0, $"p50 {P50} ms");
        Assert.True(P50 <= P95 && P95 <= P99 && P99 <= Max, $"percentiles out of order: p50 {P50}, p95 {P95}, p99 {P99}, max {Max}");
        Assert.True(Mean > 0 && Mean <= Max, $"mean {Mean} ms, max {Max} ms");
    }

    [GeneratedRegex(@"p50 (?<p50>[0-9.]+) ms, p95 (?<p95>[0-9.]+) ms, p99 (?<p99>[0-9.]+) ms, max (?<max>[0-9.]+) ms, mean (?<mean>[0-9.]+) ms \(n = (?<n>[0-9]+)\)")]
    private static partial Regex Summary();
}
