using Microsoft.Extensions.Caching.Distributed;

namespace PatientVoice.Web.Launch;

/// <summary>Pending launches by <c>state</c>, each usable once.</summary>
public sealed class PendingLaunchStore(ProtectedCache cache)
{
    // Kept an hour past expiry, so a late callback is told "expired" rather than "unknown".
    private static readonly TimeSpan Grace = TimeSpan.FromHours(1);

    public Task SaveAsync(string state, PendingLaunch launch, TimeSpan lifetime, CancellationToken cancellationToken)
        => cache.SetAsync(ProtectedCache.Key("launch", state), launch, new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = lifetime + Grace }, cancellationToken);

    /// <summary>The launch started with <paramref name="state"/>, removed so that it cannot be used again; null when unknown or used.</summary>
    public async Task<PendingLaunch?> TakeAsync(string state, CancellationToken cancellationToken)
    {
        var key = ProtectedCache.Key("launch", state);
        var launch = await cache.GetAsync<PendingLaunch>(key, cancellationToken);
        if (launch is not null)
        {
            await cache.RemoveAsync(key, cancellationToken);
        }

        return launch;
    }
}
