using System.Text.RegularExpressions;

namespace PatientVoice.Smart.Scopes;

/// <summary>
/// Parses SMART App Launch scopes (2.2, with the 1.0 forms): resource scopes
/// <c>(patient|user|system)/(Type|*).(cruds letters|read|write|*)[?query]</c> and the non-resource scopes
/// <c>launch</c>, <c>launch/patient</c>, <c>launch/encounter</c>, <c>openid</c>, <c>fhirUser</c>,
/// <c>profile</c>, <c>offline_access</c>, <c>online_access</c>.
/// </summary>
public static partial class SmartScopeParser
{
    /// <summary>Parses a space-separated scope string (the <c>scope</c> claim). Unknown and malformed scopes are kept apart, never granted.</summary>
    public static SmartScopeSet Parse(string? scopes) => Parse((scopes ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));

    /// <summary>Parses scopes one by one (e.g. the values of a <c>scp</c> or <c>roles</c> claim).</summary>
    public static SmartScopeSet Parse(IEnumerable<string> scopes)
    {
        var resources = new List<SmartResourceScope>();
        var other = new HashSet<string>(StringComparer.Ordinal);
        var unrecognized = new List<string>();
        foreach (var scope in scopes)
        {
            if (ParseResourceScope(scope) is { } resource)
            {
                resources.Add(resource);
            }
            else if (SmartScopeSet.NonResourceScopes.Contains(scope))
            {
                other.Add(scope);
            }
            else
            {
                unrecognized.Add(scope);
            }
        }

        return new SmartScopeSet(resources, other, unrecognized);
    }

    /// <summary>One resource scope, or null when <paramref name="scope"/> is not one (or is malformed: letters out of order, repeated or unknown).</summary>
    public static SmartResourceScope? ParseResourceScope(string scope)
    {
        var match = ResourceScopePattern().Match(scope);
        if (!match.Success)
        {
            return null;
        }

        var context = match.Groups["context"].Value switch
        {
            "patient" => SmartScopeContext.Patient,
            "user" => SmartScopeContext.User,
            _ => SmartScopeContext.System,
        };
        var permission = match.Groups["permission"].Value;
        var interactions = permission switch
        {
            "read" => SmartInteractions.Read | SmartInteractions.Search,
            "write" => SmartInteractions.Create | SmartInteractions.Update | SmartInteractions.Delete,
            "*" => SmartInteractions.All,
            _ => Letters(permission),
        };
        if (interactions == SmartInteractions.None)
        {
            return null;
        }

        var query = match.Groups["query"].Success ? match.Groups["query"].Value : null;
        if (query is not null && permission is "read" or "write" or "*")
        {
            // v1 scopes have no query form.
            return null;
        }

        return new SmartResourceScope(context, match.Groups["type"].Value, interactions, query, scope);
    }

    // v2 letters: a non-empty subsequence of "cruds", in that order, each at most once.
    private static SmartInteractions Letters(string letters)
    {
        const string order = "cruds";
        var result = SmartInteractions.None;
        var position = 0;
        foreach (var letter in letters)
        {
            var at = order.IndexOf(letter, position);
            if (at < 0)
            {
                return SmartInteractions.None;
            }

            result |= (SmartInteractions)(1 << at);
            position = at + 1;
        }

        return result;
    }

    [GeneratedRegex(@"^(?<context>patient|user|system)/(?<type>\*|[A-Z][A-Za-z]{1,63})\.(?<permission>read|write|\*|[cruds]{1,5})(\?(?<query>[^\s?#]+))?$", RegexOptions.CultureInvariant)]
    private static partial Regex ResourceScopePattern();
}
