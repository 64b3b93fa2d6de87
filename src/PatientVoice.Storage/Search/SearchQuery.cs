namespace PatientVoice.Storage.Search;

// STUB (to be replaced by the search work): the members below are what the web host consumes.
/// <summary>A parsed FHIR search: what to match, how to order, how much to return.</summary>
public sealed record SearchQuery
{
    public required string ResourceType { get; init; }

    /// <summary>Page size (<c>_count</c>); 0 with <see cref="SummaryCount"/> for count only.</summary>
    public int Count { get; init; } = 20;

    /// <summary>Opaque position from a previous page's next/previous link (<c>_cursor</c>).</summary>
    public string? Cursor { get; init; }

    /// <summary><c>_summary=count</c>: only the total.</summary>
    public bool SummaryCount { get; init; }

    /// <summary><c>_summary</c> other than count (true, text, data, false), applied when rendering.</summary>
    public string? Summary { get; init; }

    /// <summary><c>_elements</c>, applied when rendering.</summary>
    public IReadOnlyList<string>? Elements { get; init; }

    /// <summary>The parameters as understood, without paging state, to build self/next/previous links.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> AppliedParameters { get; init; } = [];
}
