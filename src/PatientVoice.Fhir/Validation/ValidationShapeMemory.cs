using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace PatientVoice.Fhir.Validation;

/// <summary>
/// The validator's memory of shapes (ADR 0038): the report full Firely validation gave for a <see cref="ValidationShape"/>
/// against a set of profiles, handed to the next resource of the same shape instead of validating it again.
/// <para>
/// A report is remembered only when none of its issues mentions a value its shape leaves out, so a remembered report
/// never carries one resource's words to another's response. Resources come from clients, so the memory is bounded: it
/// holds at most <c>capacity</c> reports whose keys come to at most <see cref="MaxKeyCharacters"/> characters, and is
/// emptied when either is reached (as <see cref="MemoisingTerminologyService"/>).
/// </para>
/// </summary>
public sealed class ValidationShapeMemory(int capacity)
{
    /// <summary>The meter of the validator's memory (<c>dotnet-counters monitor --counters PatientVoice.Validation</c>).</summary>
    public const string MeterName = "PatientVoice.Validation";

    private static readonly Meter Meter = new(MeterName);
    private static long _allHits;
    private static long _allMisses;

    static ValidationShapeMemory()
    {
        Meter.CreateObservableCounter("patientvoice.validation.shape.hits", () => Interlocked.Read(ref _allHits), "{validation}", "Validations answered with the report remembered for the resource's shape (ADR 0038).");
        Meter.CreateObservableCounter("patientvoice.validation.shape.misses", () => Interlocked.Read(ref _allMisses), "{validation}", "Validations of a resource with a shape that was not remembered (validated in full).");
    }

    /// <summary>The keys' total length at most (16 MiB of UTF-16): many large shapes empty the memory sooner.</summary>
    public const long MaxKeyCharacters = 8L * 1024 * 1024;

    private readonly ConcurrentDictionary<string, ValidationReport> _reports = new(StringComparer.Ordinal);
    private long _characters;
    private long _hits;
    private long _misses;

    /// <summary>How many reports are remembered now (at most the capacity).</summary>
    public int Count => _reports.Count;

    /// <summary>Validations answered from memory.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Validations with a shape that were not in memory (validated in full).</summary>
    public long Misses => Interlocked.Read(ref _misses);

    public bool TryGet(string key, out ValidationReport report)
    {
        if (_reports.TryGetValue(key, out report!))
        {
            Interlocked.Increment(ref _hits);
            Interlocked.Increment(ref _allHits);
            return true;
        }

        Interlocked.Increment(ref _misses);
        Interlocked.Increment(ref _allMisses);
        return false;
    }

    public void Remember(string key, ValidationShape.Shape shape, ValidationReport report)
    {
        if (capacity <= 0 || Mentions(report, shape))
        {
            return;
        }

        if (_reports.Count >= capacity || Interlocked.Read(ref _characters) + key.Length > MaxKeyCharacters)
        {
            _reports.Clear();
            Interlocked.Exchange(ref _characters, 0);
        }

        if (_reports.TryAdd(key, report))
        {
            Interlocked.Add(ref _characters, key.Length);
        }
    }

    private static bool Mentions(ValidationReport report, ValidationShape.Shape shape)
    {
        foreach (var issue in report.Issues)
        {
            foreach (var value in shape.LeftOut)
            {
                var text = value.Text;
                if ((issue.Diagnostics.Contains(text, StringComparison.Ordinal) || (issue.Expression?.Contains(text, StringComparison.Ordinal) ?? false)))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
