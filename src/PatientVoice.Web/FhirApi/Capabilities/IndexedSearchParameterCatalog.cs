using Hl7.Fhir.Model;
using PatientVoice.Fhir.Conformance;

namespace PatientVoice.Web.FhirApi.Capabilities;

/// <summary>The search parameters of the search index, as the CapabilityStatement lists them.</summary>
public sealed class IndexedSearchParameterCatalog : ISearchParameterCatalog
{
    public IReadOnlyList<SearchParameterInfo> For(string resourceType)
        => ModelInfo.SearchParameters
            .Where(p => p.Resource == resourceType || p.Resource is "Resource" or "DomainResource")
            .Where(p => p.Type != SearchParamType.Composite && p.Type != SearchParamType.Special)
            .Select(p => new SearchParameterInfo(p.Name!, p.Type, p.Url, string.IsNullOrWhiteSpace(p.Description?.Value) ? null : p.Description.Value))
            .DistinctBy(p => p.Name)
            .ToList();

    public IEnumerable<string> RevIncludesInto(string resourceType)
        => SupportedResourceTypes.All.SelectMany(source => For(source)
            .Where(p => p.Type == SearchParamType.Reference)
            .Select(p => $"{source}:{p.Name}"));
}
