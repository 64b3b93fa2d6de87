namespace PatientVoice.Storage.Search;

// STUB (to be replaced by the search work): turns FHIR search parameters into a SearchQuery.
public sealed class SearchQueryParser
{
    /// <summary>
    /// Parses the parameters of a search on <paramref name="resourceType"/>. Unknown or malformed
    /// parameters are ignored (and left out of <see cref="SearchQuery.AppliedParameters"/>) unless
    /// <paramref name="strict"/> (Prefer: handling=strict), where they are a BadRequestException.
    /// </summary>
    public SearchQuery Parse(string resourceType, IReadOnlyList<KeyValuePair<string, string>> parameters, bool strict)
        => new() { ResourceType = resourceType };
}
