using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace PatientVoice.Web.CdsHooks;

/// <summary>
/// The public keys of each configured EHR, fetched from its JWKS URL and kept for
/// <see cref="CdsHooksOptions.JwksRefreshInterval"/>; a JWT signed with a key we do not know yet (key rotation)
/// fetches again, at most every few seconds per issuer so that bad tokens cannot make us hammer the EHR.
/// </summary>
public sealed partial class JwksCache(IHttpClientFactory httpClients, IOptions<CdsHooksOptions> options, TimeProvider time, ILogger<JwksCache> logger)
{
    public const string HttpClientName = "cds-hooks-jwks";
    private static readonly TimeSpan MinimumRefetch = TimeSpan.FromSeconds(10);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _fetch = new(1, 1);

    /// <summary>The keys of <paramref name="client"/>; fetched anew when stale, or when <paramref name="kid"/> is not among them.</summary>
    public async Task<IReadOnlyList<SecurityKey>> KeysAsync(CdsHooksClientOptions client, string? kid, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        if (_entries.TryGetValue(client.JwksUrl, out var entry) && now - entry.Fetched < options.Value.JwksRefreshInterval
            && (kid is null || entry.Keys.Any(k => k.KeyId == kid) || now - entry.Fetched < MinimumRefetch))
        {
            return entry.Keys;
        }

        await _fetch.WaitAsync(cancellationToken);
        try
        {
            if (_entries.TryGetValue(client.JwksUrl, out entry) && now - entry.Fetched < MinimumRefetch)
            {
                return entry.Keys;
            }

            var keys = await FetchAsync(client, cancellationToken) ?? entry?.Keys ?? [];
            _entries[client.JwksUrl] = new Entry(keys, time.GetUtcNow());
            return keys;
        }
        finally
        {
            _fetch.Release();
        }
    }

    private async Task<IReadOnlyList<SecurityKey>?> FetchAsync(CdsHooksClientOptions client, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(10));
            var json = await httpClients.CreateClient(HttpClientName).GetStringAsync(new Uri(client.JwksUrl), timeout.Token);
            var keys = new JsonWebKeySet(json).GetSigningKeys();
            LogFetched(client.Issuer, keys.Count);
            return keys.ToList();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or ArgumentException or System.Text.Json.JsonException)
        {
            LogFetchFailed(client.Issuer, e.GetType().Name);
            return null;
        }
    }

    private sealed record Entry(IReadOnlyList<SecurityKey> Keys, DateTimeOffset Fetched);

    [LoggerMessage(EventId = 7101, Level = LogLevel.Information, Message = "CDS Hooks: fetched {Count} keys of issuer {Issuer}")]
    private partial void LogFetched(string issuer, int count);

    [LoggerMessage(EventId = 7102, Level = LogLevel.Warning, Message = "CDS Hooks: could not fetch the keys of issuer {Issuer} ({Error})")]
    private partial void LogFetchFailed(string issuer, string error);
}
