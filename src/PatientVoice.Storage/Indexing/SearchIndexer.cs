using Hl7.Fhir.FhirPath;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Logging;

namespace PatientVoice.Storage.Indexing;

/// <summary>
/// Evaluates each indexed search parameter of the resource's type and turns the values into index rows: a parameter
/// whose expression is only member paths is walked over the resource's members (<see cref="MemberPaths"/>), any other
/// with Firely FHIRPath on the POCO. A parameter that fails is skipped and logged by name only.
/// </summary>
public sealed partial class SearchIndexer : ISearchIndexer
{
    private readonly SearchParameterRegistry _registry;
    private readonly ILogger _logger;
    private readonly bool _walkMemberPaths;

    public SearchIndexer(SearchParameterRegistry registry, ILogger<SearchIndexer>? logger = null)
        : this(registry, logger, walkMemberPaths: true)
    {
    }

    /// <summary>With <paramref name="walkMemberPaths"/> false, every parameter is evaluated with FHIRPath: the reference of the differential test.</summary>
    internal SearchIndexer(SearchParameterRegistry registry, ILogger<SearchIndexer>? logger, bool walkMemberPaths)
    {
        _registry = registry;
        _logger = logger ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<SearchIndexer>.Instance;
        _walkMemberPaths = walkMemberPaths;
    }

    public IReadOnlyList<SearchIndexEntry> Extract(Resource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        var type = resource.TypeName;
        var entries = new List<SearchIndexEntry>();
        var selected = new List<Base>();
        PocoNode? root = null;
        foreach (var parameter in _registry.ForType(type))
        {
            if (parameter.Source != SearchParameterSource.Indexed || parameter.Compiled is null)
            {
                continue;
            }

            try
            {
                var before = entries.Count;
                selected.Clear();
                if (_walkMemberPaths && parameter.Paths?.TryWalk(resource, selected) == true)
                {
                    foreach (var element in selected)
                    {
                        SearchValueExtractor.Add(parameter, element, entries);
                    }
                }
                else
                {
                    root ??= resource.ToPocoNode();
                    foreach (var node in parameter.Compiled(root, new FhirEvaluationContext()))
                    {
                        SearchValueExtractor.Add(parameter, node.Poco, entries);
                    }
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
