using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace PatientVoice.Sandbox.Authorization;

/// <summary>
/// The EHR's pending launches: an opaque, unguessable <c>launch</c> value bound to its context, valid for
/// <see cref="SandboxOptions.LaunchLifetime"/>. In memory: a launch outlives neither the process nor its lifetime.
/// </summary>
public sealed class LaunchContextStore(TimeProvider clock, IOptions<SandboxOptions> options)
{
    private readonly ConcurrentDictionary<string, (LaunchContext Context, DateTimeOffset Expires)> _launches = new(StringComparer.Ordinal);

    public string Create(LaunchContext context)
    {
        var now = clock.GetUtcNow();
        foreach (var expired in _launches.Where(l => l.Value.Expires <= now).Select(l => l.Key).ToList())
        {
            _launches.TryRemove(expired, out _);
        }

        var launch = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        _launches[launch] = (context, now + options.Value.LaunchLifetime);
        return launch;
    }

    /// <summary>Uses a launch up (the strict profile's launch values open the app once); false when it was already used.</summary>
    public bool Consume(string launch) => _launches.TryRemove(launch, out _);

    /// <summary>The context of a launch that exists and has not expired; null otherwise.</summary>
    public LaunchContext? Find(string launch)
        => _launches.TryGetValue(launch, out var entry) && entry.Expires > clock.GetUtcNow() ? entry.Context : null;
}
