using System.Collections.Concurrent;
using Microsoft.IdentityModel.Tokens;

namespace PatientVoice.Sandbox.Authorization;

/// <summary>
/// The JWKS of backend clients registered by URL (<see cref="BackendClientOptions.JwksUrl"/>): fetched when an
/// assertion is checked, kept for <see cref="CacheFor"/>, fetched again at once for a <c>kid</c> it does not know
/// (a client rotating its keys), at most every <see cref="MinRefetchInterval"/>.
/// </summary>
public sealed partial class RemoteClientJwks(IHttpClientFactory httpClients, TimeProvider clock, ILogger<RemoteClientJwks> logger)
{
    public const string HttpClientName = "client-jwks";
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan MinRefetchInterval = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, (IList<SecurityKey> Keys, DateTimeOffset Fetched)> _sets = new(StringComparer.Ordinal);

    public async Task<IList<SecurityKey>> SigningKeysAsync(string url, string? kid, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (_sets.TryGetValue(url, out var cached) && now - cached.Fetched < CacheFor
            && (kid is null || cached.Keys.Any(k => k.KeyId == kid) || now - cached.Fetched < MinRefetchInterval))
        {
            return cached.Keys;
        }

        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).GetAsync(url, cancellationToken);
            response.EnsureSuccessStatusCode();
            var keys = new JsonWebKeySet(await response.Content.ReadAsStringAsync(cancellationToken)).GetSigningKeys();
            _sets[url] = (keys, now);
            return keys;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or ArgumentException or System.Text.Json.JsonException)
        {
            LogFetchFailed(logger, url, e.GetType().Name);
            return cached.Keys ?? [];
        }
    }

    [LoggerMessage(EventId = 9201, Level = LogLevel.Warning, Message = "Could not fetch the client JWKS at {Url} ({Error}); the assertion cannot be checked against it")]
    private static partial void LogFetchFailed(ILogger logger, string url, string error);
}
