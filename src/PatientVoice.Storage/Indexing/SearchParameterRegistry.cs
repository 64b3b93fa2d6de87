using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Hl7.FhirPath;
using PatientVoice.Fhir.Conformance;

namespace PatientVoice.Storage.Indexing;

/// <summary>
/// The search parameters of each supported resource type: the R4 core ones (from the Firely model), the
/// common ones every type has (<c>_id</c>, <c>_lastUpdated</c>, <c>_tag</c>, <c>_profile</c>,
/// <c>_security</c>, <c>_source</c>), and any added with <see cref="Add"/> (our SearchParameter resources).
/// Every expression is compiled once, here. Also the source of the CapabilityStatement's searchParam list.
/// </summary>
public sealed partial class SearchParameterRegistry
{
    private readonly FhirPathCompiler _compiler = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, SearchParameterDefinition>> _byType = new(StringComparer.Ordinal);
    // ForType's answer per type, made once (every write's indexing and every search asks for it), read-only since it is
    // shared; Add drops its type's.
    // Made and dropped under _changing, so that an answer made from the parameters before an Add is never kept after it.
    private readonly ConcurrentDictionary<string, IReadOnlyList<SearchParameterDefinition>> _sorted = new(StringComparer.Ordinal);
    private readonly Lock _changing = new();

    public SearchParameterRegistry()
        : this(SupportedResourceTypes.All)
    {
    }

    public SearchParameterRegistry(IEnumerable<string> resourceTypes)
    {
        foreach (var type in resourceTypes)
        {
            var parameters = _byType.GetOrAdd(type, _ => new(StringComparer.Ordinal));
            foreach (var common in CommonParameters(type))
            {
                parameters[common.Name] = common;
            }

            foreach (var core in ModelInfo.SearchParameters.Where(p => p.Resource == type))
            {
                // Composite and special parameters are not indexed (yet); _text has no expression.
                if (core.Type is SearchParamType.Composite or SearchParamType.Special || string.IsNullOrEmpty(core.Expression) || core.Name is null)
                {
                    continue;
                }

                var branch = BranchFor(type, core.Expression);
                if (branch is null)
                {
                    continue;
                }

                var definition = Create(type, core.Name, core.Type, core.Url ?? $"http://hl7.org/fhir/SearchParameter/{type}-{core.Name}", core.Description?.Value, branch,
                    core.Target?.Select(t => t.ToString()).ToArray() ?? []);
                if (definition is not null)
                {
                    parameters[definition.Name] = definition;
                }
            }
        }
    }

    public IReadOnlyCollection<string> ResourceTypes => _byType.Keys.ToArray();

    /// <summary>The parameters of a type, by name (empty for an unsupported type).</summary>
    public IReadOnlyList<SearchParameterDefinition> ForType(string resourceType)
    {
        if (_sorted.TryGetValue(resourceType, out var sorted))
        {
            return sorted;
        }

        if (!_byType.TryGetValue(resourceType, out var parameters))
        {
            return [];
        }

        lock (_changing)
        {
            return _sorted.GetOrAdd(resourceType, _ => Array.AsReadOnly(parameters.Values.OrderBy(p => p.Name, StringComparer.Ordinal).ToArray()));
        }
    }

    public SearchParameterDefinition? Find(string resourceType, string name)
        => _byType.TryGetValue(resourceType, out var parameters) && parameters.TryGetValue(name, out var definition)
            ? definition
            : null;

    /// <summary>
    /// Adds (or replaces) a parameter, e.g. from one of our SearchParameter resources. The expression may
    /// span several types (<c>A.x | B.y</c>); the branch for <paramref name="resourceType"/> is kept.
    /// Resources written before the call are not re-indexed.
    /// </summary>
    public SearchParameterDefinition Add(string resourceType, string name, SearchParamType type, string url, string expression,
        IReadOnlyList<string>? targetTypes = null, string? documentation = null)
    {
        if (!_byType.TryGetValue(resourceType, out var parameters))
        {
            throw new ArgumentException($"Resource type '{resourceType}' is not supported.", nameof(resourceType));
        }

        var branch = BranchFor(resourceType, expression)
            ?? throw new ArgumentException($"The expression has no branch for '{resourceType}'.", nameof(expression));
        var definition = Create(resourceType, name, type, url, documentation, branch, targetTypes ?? [])
            ?? throw new ArgumentException($"The expression of '{name}' does not compile.", nameof(expression));
        lock (_changing)
        {
            parameters[name] = definition;
            _sorted.TryRemove(resourceType, out _);
        }

        return definition;
    }

    /// <summary>
    /// Adds SearchParameter resources (ours, from profiles/) for each of their base types that we serve.
    /// Only valid, computable definitions are taken; a composite or special one is skipped.
    /// </summary>
    public SearchParameterRegistry AddDefinitions(IEnumerable<SearchParameter> definitions)
    {
        foreach (var definition in definitions)
        {
            if (definition.Type is not { } type || type is SearchParamType.Composite or SearchParamType.Special
                || string.IsNullOrEmpty(definition.Code) || string.IsNullOrEmpty(definition.Expression) || string.IsNullOrEmpty(definition.Url))
            {
                continue;
            }

            foreach (var resourceType in definition.Base.Select(b => b?.ToString()).OfType<string>().Where(_byType.ContainsKey))
            {
                Add(resourceType, definition.Code, type, definition.Url, definition.Expression,
                    definition.Target.Select(t => t?.ToString()).OfType<string>().ToArray(), definition.Description);
            }
        }

        return this;
    }

    private SearchParameterDefinition? Create(string resourceType, string name, SearchParamType type, string url,
        string? documentation, string branch, IReadOnlyList<string> targets)
    {
        string? requiredTarget = null;
        var rewritten = ResolveIsType().Replace(branch, m =>
        {
            requiredTarget = m.Groups[1].Value;
            return string.Empty;
        });

        CompiledExpression compiled;
        try
        {
            compiled = _compiler.Compile(rewritten);
        }
        catch (Exception)
        {
            // An expression we cannot evaluate is left out rather than failing every write.
            return null;
        }

        return new SearchParameterDefinition
        {
            ResourceType = resourceType,
            Name = name,
            Type = type,
            Url = url,
            Documentation = documentation,
            Expression = rewritten,
            TargetTypes = targets,
            RequiredTargetType = requiredTarget,
            Compiled = compiled,
            Paths = MemberPaths.TryParse(resourceType, rewritten),
        };
    }

    private IEnumerable<SearchParameterDefinition> CommonParameters(string type)
    {
        yield return new SearchParameterDefinition
        {
            ResourceType = type, Name = "_id", Type = SearchParamType.Token, Source = SearchParameterSource.ResourceId,
            Url = "http://hl7.org/fhir/SearchParameter/Resource-id", Documentation = "Logical id of this artifact",
            Expression = $"{type}.id",
        };
        yield return new SearchParameterDefinition
        {
            ResourceType = type, Name = "_lastUpdated", Type = SearchParamType.Date, Source = SearchParameterSource.LastUpdated,
            Url = "http://hl7.org/fhir/SearchParameter/Resource-lastUpdated", Documentation = "When the resource version last changed",
            Expression = $"{type}.meta.lastUpdated",
        };

        (string Name, SearchParamType Type, string Path, string Url, string Doc)[] indexed =
        [
            ("_tag", SearchParamType.Token, "meta.tag", "http://hl7.org/fhir/SearchParameter/Resource-tag", "Tags applied to this resource"),
            ("_profile", SearchParamType.Uri, "meta.profile", "http://hl7.org/fhir/SearchParameter/Resource-profile", "Profiles this resource claims to conform to"),
            ("_security", SearchParamType.Token, "meta.security", "http://hl7.org/fhir/SearchParameter/Resource-security", "Security Labels applied to this resource"),
            ("_source", SearchParamType.Uri, "meta.source", "http://hl7.org/fhir/SearchParameter/Resource-source", "Identifies where the resource comes from"),
        ];
        foreach (var p in indexed)
        {
            var definition = Create(type, p.Name, p.Type, p.Url, p.Doc, $"{type}.{p.Path}", []);
            if (definition is not null)
            {
                yield return definition;
            }
        }
    }

    /// <summary>
    /// The branches of a (possibly multi-type) expression that start at <paramref name="type"/>, joined with
    /// <c>|</c>; null when none does.
    /// </summary>
    internal static string? BranchFor(string type, string expression)
    {
        var kept = SplitTopLevel(expression)
            .Where(branch =>
            {
                var head = branch.TrimStart('(', ' ');
                return head == type || head.StartsWith(type + ".", StringComparison.Ordinal);
            })
            .ToArray();
        return kept.Length == 0 ? null : string.Join(" | ", kept);
    }

    private static IEnumerable<string> SplitTopLevel(string expression)
    {
        var depth = 0;
        var inString = false;
        var current = new StringBuilder();
        foreach (var c in expression)
        {
            if (c == '\'')
            {
                inString = !inString;
            }
            else if (!inString && c == '(')
            {
                depth++;
            }
            else if (!inString && c == ')')
            {
                depth--;
            }
            else if (!inString && depth == 0 && c == '|')
            {
                yield return current.ToString().Trim();
                current.Clear();
                continue;
            }

            current.Append(c);
        }

        if (current.Length > 0)
        {
            yield return current.ToString().Trim();
        }
    }

    [GeneratedRegex(@"\.where\(\s*resolve\(\)\s+is\s+([A-Za-z]+)\s*\)")]
    private static partial Regex ResolveIsType();
}
