using Microsoft.Extensions.Options;

namespace PatientVoice.Application.EhrSync;

/// <summary>The EHR's CapabilityStatement, read once and trusted for <c>EhrSync:CapabilityRefresh</c>.</summary>
public sealed class EhrCapabilityCache(EhrWriteClient ehr, IOptions<EhrSyncOptions> options, TimeProvider time)
{
    private (EhrCapabilities Capabilities, DateTimeOffset ReadAt)? _cached;

    /// <summary>The capabilities, or the transient failure that kept them from being read.</summary>
    public async Task<(EhrCapabilities? Capabilities, WriteAttempt? Failure)> GetAsync(CancellationToken cancellationToken)
    {
        if (_cached is { } cached && time.GetUtcNow() - cached.ReadAt < options.Value.CapabilityRefresh)
        {
            return (cached.Capabilities, null);
        }

        var (capabilities, failure) = await ehr.ReadCapabilitiesAsync(cancellationToken);
        if (capabilities is not null)
        {
            _cached = (capabilities, time.GetUtcNow());
        }

        return (capabilities, failure);
    }
}
