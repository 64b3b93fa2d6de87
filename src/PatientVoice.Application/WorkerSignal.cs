namespace PatientVoice.Application;

/// <summary>
/// Wakes a background worker (<typeparamref name="TWorker"/>: the EHR write-back, bulk export, subscription delivery)
/// when this process has queued it work, so it need not wait for its next poll. One wake-up covers everything queued
/// since; other instances find the work at their next poll.
/// </summary>
public sealed class WorkerSignal<TWorker>
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        try
        {
            _pending.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    /// <summary>Waits for a notification or <paramref name="timeout"/>, whichever comes first.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _pending.WaitAsync(timeout, cancellationToken);
}
