using System.Collections.Concurrent;

namespace PatientVoice.Fhir.Validation;

/// <summary>
/// The validator's memory of shapes (ADR 0038): the report full Firely validation gave for a <see cref="ValidationShape"/>
/// against a set of profiles, handed to the next resource of the same shape instead of validating it again.
/// <para>
/// A report is remembered only when none of its issues mentions a value its shape leaves out, so a remembered report
/// never carries one resource's words to another's response. Resources come from clients, so the memory is bounded: it
/// holds at most <c>capacity</c> reports and is emptied when full (as <see cref="MemoisingTerminologyService"/>).
/// </para>
/// </summary>
public sealed class ValidationShapeMemory(int capacity)
{
    private readonly ConcurrentDictionary<string, ValidationReport> _reports = new(StringComparer.Ordinal);
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
            return true;
        }

        Interlocked.Increment(ref _misses);
        return false;
    }

    public void Remember(string key, ValidationShape.Shape shape, ValidationReport report)
    {
        if (capacity <= 0 || Mentions(report, shape))
        {
            return;
        }

        if (_reports.Count >= capacity)
        {
            _reports.Clear();
        }

        _reports.TryAdd(key, report);
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
