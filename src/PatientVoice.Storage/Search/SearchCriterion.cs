using PatientVoice.Storage.Indexing;

namespace PatientVoice.Storage.Search;

/// <summary>Search modifiers we support.</summary>
public enum SearchModifier
{
    None,
    Exact,
    Contains,
    Missing,
    Not,
    Text,
    Identifier,
    Below,

    /// <summary><c>:[type]</c> on a reference (<see cref="SearchCriterion.TargetType"/>).</summary>
    Type,
}

/// <summary>Comparison prefixes of date, number and quantity values.</summary>
public enum SearchPrefix
{
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    Sa,
    Eb,
    Ap,
}

/// <summary>One parameter occurrence (<c>name[:modifier]=v1,v2</c>): matches when any value matches.</summary>
public sealed record SearchCriterion(
    SearchParameterDefinition Parameter,
    SearchModifier Modifier,
    IReadOnlyList<SearchValue> Values)
{
    /// <summary>The type of <c>:[type]</c> on a reference parameter.</summary>
    public string? TargetType { get; init; }
}

/// <summary>One value of a criterion, parsed according to the parameter type.</summary>
public abstract record SearchValue;

/// <summary><c>:missing=true|false</c>.</summary>
public sealed record MissingValue(bool Missing) : SearchValue;

/// <summary>A string value, normalized for the default and :contains matches and as given for :exact.</summary>
public sealed record StringValue(string Normalized, string Exact) : SearchValue;

/// <summary>
/// <c>code</c>, <c>system|code</c>, <c>|code</c> (no system) or <c>system|</c> (any code).
/// <see cref="SystemGiven"/> distinguishes <c>|code</c> (system must be absent) from <c>code</c>.
/// With :text, <see cref="Code"/> holds the normalized text.
/// </summary>
public sealed record TokenValue(string? System, string? Code, bool SystemGiven) : SearchValue;

public sealed record DateValue(SearchPrefix Prefix, FhirDateRange Range) : SearchValue;

/// <summary>A number with its implicit precision range [Low, High).</summary>
public sealed record NumberValue(SearchPrefix Prefix, decimal Value, decimal Low, decimal High) : SearchValue;

public sealed record QuantityValue(SearchPrefix Prefix, NumberValue Number, string? System, string? Code) : SearchValue;

/// <summary>A reference: <c>id</c>, <c>Type/id[/_history/v]</c>, an absolute URL, or a canonical <c>url|version</c>.</summary>
public sealed record ReferenceValue(string? TargetType, string? TargetId, string? Version, string? Url) : SearchValue;

public sealed record UriValue(string Uri) : SearchValue;

/// <summary>A <c>_sort</c> key: a parameter of the searched type, ascending or descending.</summary>
public sealed record SortKey(SearchParameterDefinition Parameter, bool Descending);

/// <summary>
/// <c>_include=Source:param[:Target]</c> (or <c>*</c>) or <c>_revinclude=Source:param[:Target]</c>;
/// <see cref="Iterate"/> applies it again to what it brought in.
/// </summary>
public sealed record IncludeSpec(string SourceType, string? ParameterName, string? TargetType, bool Reverse, bool Iterate);
