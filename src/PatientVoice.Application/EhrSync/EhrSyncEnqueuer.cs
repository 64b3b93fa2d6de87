using Microsoft.Extensions.Options;
using PatientVoice.Storage;
using PatientVoice.Storage.Outbox;

namespace PatientVoice.Application.EhrSync;

/// <summary>
/// The writing side of the write-back: inside the submission's (or the page change's) own transaction, one outbox
/// message and its Task (status queued), so a stored submission always has its delivery queued and a rolled-back one
/// never does. Does nothing when <c>EhrSync:Enabled</c> is false.
/// </summary>
public sealed class EhrSyncEnqueuer(IOptions<EhrSyncOptions> options, WorkerSignal<EhrSyncWorker> signal, TimeProvider time)
{
    public bool Enabled => options.Value.Enabled;

    /// <param name="written">What the submission's transaction wrote: the response, the resources extracted or ended, the Provenance.</param>
    public async Task EnqueueAsync(IResourceWriteSession session, IReadOnlyList<StoredResource> written, string? patient, CancellationToken cancellationToken)
    {
        if (!Enabled)
        {
            return;
        }

        var response = written.First(w => w.ResourceType == "QuestionnaireResponse");
        var provenance = written.Last(w => w.ResourceType == "Provenance");
        var items = written.Where(w => w.ResourceType is not ("QuestionnaireResponse" or "Provenance")).Select(w => $"{w.ResourceType}/{w.Id}").Distinct().ToList();
        await EnqueueAsync(session, new EhrSyncMessage(response.Id, response.VersionId, provenance.Id, patient, items), cancellationToken);
    }

    /// <summary>A change made on a page (a goal added, reworded or ended on My goals, or agreed by a clinician), in that change's transaction; false when nothing was queued.</summary>
    public async Task<bool> EnqueueChangeAsync(IResourceWriteSession session, StoredResource changed, StoredResource provenance, string patient, CancellationToken cancellationToken)
    {
        // Only what the write-back carries to the EHR (a Goal, not a clinician's acknowledgement or agenda outcome).
        if (!Enabled || !FallbackPlan.Defaults.ContainsKey(changed.ResourceType))
        {
            return false;
        }

        await EnqueueAsync(session, EhrSyncMessage.ForPageChange(changed, provenance, patient), cancellationToken);
        return true;
    }

    private async Task EnqueueAsync(IResourceWriteSession session, EhrSyncMessage message, CancellationToken cancellationToken)
    {
        await session.EnqueueAsync(new OutboxMessage(EhrSyncMessage.Topic, message.Key, message.ToJson()), cancellationToken);
        var now = StoreClock.Now(time);
        await session.PutAsync(EhrSyncTask.Create(message, DeliveryState.Queued, null, [], now, now), ifMatchVersion: null, cancellationToken);
    }

    /// <summary>After the commit: the worker need not wait for its next poll.</summary>
    public void NotifyCommitted()
    {
        if (Enabled)
        {
            signal.Notify();
        }
    }
}
