namespace PatientVoice.Storage.Search;

/// <summary>A parsed FHIR search: what to match, how to order, how much to return.</summary>
public sealed record SearchQuery
{
    public const int DefaultCount = 20;
    public const int MaxCount = 1000;

    public required string ResourceType { get; init; }

    /// <summary>Page size (<c>_count</c>); 0 with <see cref="SummaryCount"/> for count only.</summary>
    public int Count { get; init; } = DefaultCount;

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

    /// <summary>Criteria, all of which must hold (AND); each holds when one of its values matches (OR).</summary>
    public IReadOnlyList<SearchCriterion> Criteria { get; init; } = [];

    /// <summary><c>_sort</c> keys in order; empty means creation order.</summary>
    public IReadOnlyList<SortKey> Sort { get; init; } = [];

    /// <summary><c>_include</c> and <c>_revinclude</c>.</summary>
    public IReadOnlyList<IncludeSpec> Includes { get; init; } = [];

    public TotalMode Total { get; init; } = TotalMode.Default;
}

/// <summary><c>_total</c>. Default: counted on the first page only (see docs/adr/0002-search-index.md).</summary>
public enum TotalMode
{
    Default,
    None,
    Estimate,
    Accurate,
}
