using Hl7.Fhir.Model;
using Hl7.FhirPath;

namespace PatientVoice.Storage.Indexing;

/// <summary>Where the values of a search parameter live.</summary>
public enum SearchParameterSource
{
    /// <summary>Rows in the index tables, extracted at write time from <see cref="SearchParameterDefinition.Expression"/>.</summary>
    Indexed,

    /// <summary><c>_id</c>: the resource table's id column.</summary>
    ResourceId,

    /// <summary><c>_lastUpdated</c>: the resource table's last_updated column.</summary>
    LastUpdated,
}

/// <summary>
/// One search parameter as it applies to one resource type: the branch of a shared multi-type expression
/// that belongs to <see cref="ResourceType"/>, compiled once.
/// </summary>
public sealed record SearchParameterDefinition
{
    public required string ResourceType { get; init; }

    public required string Name { get; init; }

    public required SearchParamType Type { get; init; }

    /// <summary>The canonical URL of the SearchParameter resource (for the CapabilityStatement).</summary>
    public required string Url { get; init; }

    public string? Documentation { get; init; }

    /// <summary>The FHIRPath for this type only, with <c>where(resolve() is X)</c> removed (see <see cref="RequiredTargetType"/>).</summary>
    public string? Expression { get; init; }

    /// <summary>Resource types a reference parameter may point to.</summary>
    public IReadOnlyList<string> TargetTypes { get; init; } = [];

    public SearchParameterSource Source { get; init; } = SearchParameterSource.Indexed;

    /// <summary>
    /// From <c>where(resolve() is Patient)</c>: only references whose own string names this type are indexed.
    /// Nothing is resolved: the type comes from the reference (<c>Patient/123</c> or an absolute URL ending so).
    /// </summary>
    public string? RequiredTargetType { get; init; }

    internal CompiledExpression? Compiled { get; init; }

    /// <summary>The same expression as member paths, walked without FHIRPath, when it is only that (<see cref="MemberPaths"/>).</summary>
    internal MemberPaths? Paths { get; init; }
}
