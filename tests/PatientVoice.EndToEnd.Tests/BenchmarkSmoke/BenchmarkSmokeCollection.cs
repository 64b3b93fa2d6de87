namespace PatientVoice.EndToEnd.Tests.BenchmarkSmoke;

/// <summary>
/// The benchmark smokes one after another: each drives the whole machine (a server, load clients, sometimes chromium), and
/// two at once would only slow each other down.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BenchmarkSmokeCollection
{
    public const string Name = "Benchmark smoke";
}
