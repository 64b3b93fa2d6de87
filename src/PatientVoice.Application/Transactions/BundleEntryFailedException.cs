using PatientVoice.Fhir.Errors;

namespace PatientVoice.Application.Transactions;

/// <summary>A transaction entry failed: the whole transaction fails with that entry's status, and says which entry.</summary>
public sealed class BundleEntryFailedException(int index, FhirException inner)
    : FhirException(inner.StatusCode, inner.Issues.Select(i => i with
    {
        Diagnostics = $"Bundle.entry[{index}]: {i.Diagnostics}",
        Expression = i.Expression is null ? $"Bundle.entry[{index}]" : $"Bundle.entry[{index}].resource.{StripType(i.Expression)}",
    }).ToList())
{
    public int Index { get; } = index;

    /// <summary>The failure as the entry itself reported it, without the Bundle's paths.</summary>
    public FhirException Inner { get; } = inner;

    private static string StripType(string expression)
    {
        var dot = expression.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? expression : expression[(dot + 1)..];
    }
}
