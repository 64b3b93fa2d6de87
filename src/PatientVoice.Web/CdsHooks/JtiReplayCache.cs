using System.Collections.Concurrent;

namespace PatientVoice.Web.CdsHooks;

/// <summary>
/// The <c>jti</c> of every JWT accepted, per issuer, until it expires: a JWT seen before is a replay and is refused.
/// In memory: a restart forgets them (their lifetime is at most five minutes), and several instances behind a load
/// balancer would each keep their own (a shared store would be needed there).
/// </summary>
public sealed class JtiReplayCache(TimeProvider time)
{
    private readonly ConcurrentDictionary<string, DateTimeOffset> _seen = new(StringComparer.Ordinal);
    private long _calls;

    /// <summary>True the first time (<paramref name="issuer"/>, <paramref name="jti"/>) is offered; false for a replay.</summary>
    public bool TryUse(string issuer, string jti, DateTimeOffset expires)
    {
        if (Interlocked.Increment(ref _calls) % 256 == 0)
        {
            var now = time.GetUtcNow();
            foreach (var (key, until) in _seen)
            {
                if (until < now)
                {
                    _seen.TryRemove(key, out _);
                }
            }
        }

        return _seen.TryAdd(issuer + "\n" + jti, expires);
    }
}
