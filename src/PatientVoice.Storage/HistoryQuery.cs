namespace PatientVoice.Storage;

/// <summary>
/// A history request: one instance (type and id), one type (type only) or the whole system (neither).
/// Newest first. <see cref="Before"/> is the opaque position of the last entry of the previous page.
/// </summary>
public sealed record HistoryQuery(
    string? ResourceType,
    string? Id,
    DateTimeOffset? Since,
    DateTimeOffset? At,
    int Count,
    long? Before);

/// <summary>One page of history, newest first, with the position to ask for the next page (if any).</summary>
public sealed record HistoryPage(IReadOnlyList<StoredResource> Entries, int Total, long? NextBefore);
