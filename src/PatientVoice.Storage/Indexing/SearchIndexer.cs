using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Logging;

namespace PatientVoice.Storage.Indexing;

/// <summary>
/// Evaluates each indexed search parameter of the resource's type (Firely FHIRPath on the POCO) and turns
/// the values into index rows. A parameter that fails is skipped and logged by name only.
/// </summary>
public sealed partial class SearchIndexer(SearchParameterRegistry registry, ILogger<SearchIndexer>? logger = null) : ISearchIndexer
{
    private readonly ILogger _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<SearchIndexer>.Instance;

    public IReadOnlyList<SearchIndexEntry> Extract(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var type = resource.TypeName;
        var entries = new List<SearchIndexEntry>();
        var root = resource.ToPocoNode();
        foreach (var parameter in registry.ForType(type))
        {
            if (parameter.Source != SearchParameterSource.Indexed || parameter.Compiled is null)
            {
                continue;
            }

            try
            {
                var before = entries.Count;
                foreach (var node in parameter.Compiled(root, new FhirEvaluationContext()))
                {
                    SearchValueExtractor.Add(parameter, node.Poco, entries);
                }

                Deduplicate(entries, before);
            }
            catch (Exception)
            {
                LogParameterFailed(_logger, type, parameter.Name);
            }
        }

        return entries;
    }

    private static void Deduplicate(List<SearchIndexEntry> entries, int from)
    {
        if (entries.Count - from < 2)
        {
            return;
        }

        var distinct = entries.Skip(from).Distinct().ToList();
        entries.RemoveRange(from, entries.Count - from);
        entries.AddRange(distinct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Search parameter {ResourceType}.{Parameter} could not be evaluated; not indexed")]
    private static partial void LogParameterFailed(ILogger logger, string resourceType, string parameter);
}
