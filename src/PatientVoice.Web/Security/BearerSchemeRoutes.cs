using System.Collections.Concurrent;

namespace PatientVoice.Web.Security;

/// <summary>
/// Remembers which bearer scheme an Authorization header goes to (<see cref="FhirApiSecurity.SchemeFor"/>: its token's
/// issuer, read unverified), so that a client sending the same token again is routed without parsing it again (2.5% of a
/// create's server CPU when every request paid it, docs/benchmarks.md). The answer depends only on the header's bytes and
/// on the schemes registered at start-up, so a remembered answer is the answer; the scheme it routes to still validates the
/// token on every request. Bounded as <see cref="RememberingTokenHandler"/> is: at most <c>capacity</c> headers, emptied
/// when full; longer headers are routed but never remembered; capacity 0 remembers nothing.
/// </summary>
internal sealed class BearerSchemeRoutes(int capacity, Func<string, string?> route)
{
    private readonly ConcurrentDictionary<string, string?> _routes = new(StringComparer.Ordinal);

    public int Count => _routes.Count;

    public string? SchemeFor(string authorization)
    {
        if (capacity <= 0 || authorization.Length > RememberingTokenHandler.MaxTokenLength + "Bearer ".Length)
        {
            return route(authorization);
        }

        if (_routes.TryGetValue(authorization, out var scheme))
        {
            return scheme;
        }

        scheme = route(authorization);
        if (_routes.Count >= capacity)
        {
            _routes.Clear();
        }

        _routes[authorization] = scheme;
        return scheme;
    }
}
