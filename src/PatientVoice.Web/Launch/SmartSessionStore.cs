using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Options;

namespace PatientVoice.Web.Launch;

/// <summary>Sessions by id, sliding with <see cref="SmartLaunchOptions.SessionIdleTimeout"/> like the cookie that points at them.</summary>
public sealed class SmartSessionStore(ProtectedCache cache, IOptions<SmartLaunchOptions> options)
{
    public Task SaveAsync(StoredSmartSession session, CancellationToken cancellationToken)
        => cache.SetAsync(ProtectedCache.Key("session", session.Session.Id), session,
            new DistributedCacheEntryOptions { SlidingExpiration = options.Value.SessionIdleTimeout }, cancellationToken);

    public Task<StoredSmartSession?> GetAsync(string sessionId, CancellationToken cancellationToken)
        => cache.GetAsync<StoredSmartSession>(ProtectedCache.Key("session", sessionId), cancellationToken);

    public Task RemoveAsync(string sessionId, CancellationToken cancellationToken)
        => cache.RemoveAsync(ProtectedCache.Key("session", sessionId), cancellationToken);
}
