namespace PatientVoice.Storage.Search;

/// <summary>
/// One page of matches (current versions, in order), the resources brought in by _include/_revinclude,
/// the total when asked for, and the cursors of the neighbouring pages.
/// </summary>
public sealed record SearchResult(
    IReadOnlyList<StoredResource> Matches,
    IReadOnlyList<StoredResource> Included,
    int? Total,
    string? NextCursor,
    string? PreviousCursor);
