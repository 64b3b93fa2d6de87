using Hl7.Fhir.Model;
using Hl7.Fhir.Specification.Source;

namespace PatientVoice.Fhir.Conformance;

/// <summary>
/// Lets one caller at a time into the resolver below it. The SDK's snapshot generator keeps per-run state
/// and refuses a second generation while one is running ("Invalid snapshot generator state"), which
/// concurrent requests for a not-yet-snapshotted profile would otherwise trigger. The cache above this
/// makes the lock matter only for the first resolution of each canonical.
/// </summary>
public sealed class SerializedResolver(SnapshotSource inner) : IAsyncResourceResolver
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    public Task<Resource?> ResolveByUriAsync(string uri) => Async(() => inner.ResolveByUriAsync(uri));

    public Task<Resource?> ResolveByCanonicalUriAsync(string uri) => Async(() => inner.ResolveByCanonicalUriAsync(uri));

    public Task<ResolverResult> TryResolveByUriAsync(string uri) => Async(() => inner.TryResolveByUriAsync(uri));

    public Task<ResolverResult> TryResolveByCanonicalUriAsync(string uri) => Async(() => inner.TryResolveByCanonicalUriAsync(uri));

    private async Task<T> Async<T>(Func<Task<T>> resolve)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            return await resolve().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }
}
