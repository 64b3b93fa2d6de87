namespace PatientVoice.Storage.Indexing;

/// <summary>A search-index row computed at write time: one value of one search parameter of one resource.</summary>
public abstract record SearchIndexEntry(string ParameterName);

/// <summary>A string value: normalized (lower case, no diacritics) for the default and :contains searches, and as written for :exact.</summary>
public sealed record StringIndexEntry(string ParameterName, string Normalized, string Exact) : SearchIndexEntry(ParameterName);

/// <summary>A coded value. <see cref="Text"/> (display or text, normalized) serves :text.</summary>
public sealed record TokenIndexEntry(string ParameterName, string? System, string? Code, string? Text) : SearchIndexEntry(ParameterName);

/// <summary>A date as the inclusive UTC range its precision covers (Unix milliseconds).</summary>
public sealed record DateIndexEntry(string ParameterName, long StartMs, long EndMs) : SearchIndexEntry(ParameterName);

/// <summary>
/// A reference as written, never resolved: the target type and id when the reference string names them,
/// the version (<c>_history</c> or canonical <c>|version</c>) and the absolute URL or canonical URL.
/// </summary>
public sealed record ReferenceIndexEntry(string ParameterName, string? TargetType, string? TargetId, string? TargetVersion, string? Url)
    : SearchIndexEntry(ParameterName);

public sealed record UriIndexEntry(string ParameterName, string Uri) : SearchIndexEntry(ParameterName);

public sealed record NumberIndexEntry(string ParameterName, decimal Value) : SearchIndexEntry(ParameterName);

public sealed record QuantityIndexEntry(string ParameterName, decimal Value, string? System, string? Code, string? Unit)
    : SearchIndexEntry(ParameterName);
