using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Tests.Differential;

/// <summary>
/// What a validator decided about one resource, in the terms the differential test compares: accepted or not, and the set of
/// (severity, element path) of its errors and fatal issues. Messages are kept for the report only.
/// </summary>
public sealed record DifferentialOutcome(bool Accepted, IReadOnlySet<string> Errors, IReadOnlyList<string> Messages, string? Exception)
{
    public static DifferentialOutcome From(IEnumerable<(OperationOutcome.IssueSeverity Severity, string? Path, string Message)> issues)
    {
        var errors = issues.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal).ToList();
        return new DifferentialOutcome(
            errors.Count == 0,
            errors.Select(e => Key(e.Severity, e.Path)).ToHashSet(StringComparer.Ordinal),
            errors.Select(e => $"{Key(e.Severity, e.Path)}: {e.Message}").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList(),
            null);
    }

    public static DifferentialOutcome Threw(Exception e) =>
        new(false, new HashSet<string>(StringComparer.Ordinal), [], $"{e.GetType().Name}: {e.Message}");

    public bool SameAs(DifferentialOutcome other) =>
        Accepted == other.Accepted
        && (Exception is null) == (other.Exception is null)
        && Errors.SetEquals(other.Errors);

    private static string Key(OperationOutcome.IssueSeverity severity, string? path) => $"{severity.ToString().ToLowerInvariant()} {path ?? "(no path)"}";
}
