using Microsoft.Extensions.Options;
using PatientVoice.Storage;
using PatientVoice.Storage.Outbox;

namespace PatientVoice.Application.Export;

/// <summary>Where an export stands, as its client may learn it.</summary>
public abstract record ExportStatus
{
    private ExportStatus()
    {
    }

    /// <summary>No such job for this client, or cancelled, or its files deleted by the client.</summary>
    public sealed record NotFound : ExportStatus;

    /// <summary>Queued or running; <paramref name="Progress"/> says how far.</summary>
    public sealed record InProgress(string Progress) : ExportStatus;

    public sealed record Completed(ExportJob Job, ExportManifest Manifest, DateTimeOffset ExpiresAt) : ExportStatus;

    /// <summary>The job failed; <paramref name="Reason"/> is for its client (no patient data).</summary>
    public sealed record Failed(string Reason) : ExportStatus;

    /// <summary>Complete, but its files were kept for <see cref="ExportOptions.FileRetention"/> and are gone.</summary>
    public sealed record Expired(DateTimeOffset ExpiredAt) : ExportStatus;
}

/// <summary>
/// The Bulk Data export use case (docs/adr/0022-bulk-export.md): queue a job planned by the kick-off, tell its client where
/// it stands, cancel it, and open its files. Every call names the client asking: a job is its starting client's only.
/// </summary>
public sealed class BulkExport(IResourceStore store, IOutbox outbox, IExportFiles files, WorkerSignal<ExportWorker> signal, IOptions<ExportOptions> options, TimeProvider time)
{
    /// <summary>A new job id: 32 hex digits, hard to guess.</summary>
    public static string NewJobId() => Guid.NewGuid().ToString("N");

    /// <summary>Persists the job in the store (it exists once this returns) and wakes this instance's worker.</summary>
    public async Task StartAsync(ExportJob job, CancellationToken cancellationToken)
    {
        await using (var session = await store.BeginWriteAsync(cancellationToken))
        {
            await session.EnqueueAsync(new OutboxMessage(ExportJob.Topic, job.Id, job.ToJson()), cancellationToken);
            await session.CommitAsync(cancellationToken);
        }

        signal.Notify();
    }

    public async Task<ExportStatus> StatusAsync(string jobId, ExportOwner client, CancellationToken cancellationToken)
    {
        if (await FindAsync(jobId, client, cancellationToken) is not var (entry, job))
        {
            return new ExportStatus.NotFound();
        }

        switch (entry.State)
        {
            case OutboxState.Pending:
                return new ExportStatus.InProgress(entry.LastError ?? (entry.Attempts == 0 ? "queued" : "started"));
            case OutboxState.Failed:
                return entry.LastError == ExportJob.CancelledReason ? new ExportStatus.NotFound() : new ExportStatus.Failed(entry.LastError ?? "The export failed.");
            default:
                var expiresAt = (entry.FinishedAt ?? entry.EnqueuedAt) + options.Value.FileRetention;
                if (expiresAt <= StoreClock.Now(time))
                {
                    return new ExportStatus.Expired(expiresAt);
                }

                return await files.ReadManifestAsync(jobId, cancellationToken) is { } manifest
                    ? new ExportStatus.Completed(job, manifest, expiresAt)
                    : new ExportStatus.NotFound();
        }
    }

    /// <summary>Cancels a queued or running job, or deletes a completed one's files. False when there is nothing of this client's to delete.</summary>
    public async Task<bool> CancelAsync(string jobId, ExportOwner client, CancellationToken cancellationToken)
    {
        var status = await StatusAsync(jobId, client, cancellationToken);
        switch (status)
        {
            case ExportStatus.NotFound or ExportStatus.Expired:
                return false;
            case ExportStatus.InProgress:
                // The worker running it finds its lease lost at its next renewal and deletes what it wrote.
                await outbox.CancelAsync(ExportJob.Topic, jobId, ExportJob.CancelledReason, cancellationToken);
                break;
            default:
                break;
        }

        files.Delete(jobId);
        return true;
    }

    /// <summary>One file of a completed export of this client's, with its status when it cannot be had.</summary>
    public async Task<(ExportStatus Status, ExportFile? File, Stream? Content)> OpenFileAsync(string jobId, string name, ExportOwner client, CancellationToken cancellationToken)
    {
        var status = await StatusAsync(jobId, client, cancellationToken);
        if (status is not ExportStatus.Completed completed || completed.Manifest.Find(name) is not { } file)
        {
            return (status, null, null);
        }

        var content = files.OpenRead(jobId, completed.Manifest.Attempt, name);
        return content is null ? (new ExportStatus.NotFound(), null, null) : (status, file, content);
    }

    private async Task<(OutboxEntry Entry, ExportJob Job)?> FindAsync(string jobId, ExportOwner client, CancellationToken cancellationToken)
    {
        if (jobId.Length != 32 || !jobId.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        var entry = await outbox.FindAsync(ExportJob.Topic, jobId, cancellationToken);
        if (entry is null)
        {
            return null;
        }

        var job = ExportJob.FromJson(entry.Payload);
        return job.Owner.IsSameClientAs(client) ? (entry, job) : null;
    }
}
