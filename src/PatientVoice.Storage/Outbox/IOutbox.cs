namespace PatientVoice.Storage.Outbox;

/// <summary>
/// The outbox of the resource store: messages enqueued inside write transactions
/// (<see cref="IResourceWriteSession.EnqueueAsync"/>) and handed to workers with leases, so a message is
/// worked on by one worker at a time and a crashed worker's claims come back once their lease runs out.
/// Delivery is at least once: whatever a worker does for a message must be safe to do again.
/// </summary>
public interface IOutbox
{
    /// <summary>
    /// Claims up to <paramref name="maxCount"/> pending messages of <paramref name="topic"/> that are due and not
    /// leased (oldest due first), leasing each for <paramref name="lease"/> and counting the attempt.
    /// </summary>
    Task<IReadOnlyList<OutboxClaim>> ClaimDueAsync(string topic, int maxCount, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>Marks the message done. False when the claim's lease was lost to another worker (nothing changed).</summary>
    Task<bool> CompleteAsync(OutboxClaim claim, CancellationToken cancellationToken);

    /// <summary>Releases the claim and makes the message due again at <paramref name="dueAt"/>, keeping <paramref name="reason"/>. False when the lease was lost.</summary>
    Task<bool> RescheduleAsync(OutboxClaim claim, DateTimeOffset dueAt, string reason, CancellationToken cancellationToken);

    /// <summary>
    /// Releases the claim without counting it as an attempt (the message was not worked on: it waits for another one to
    /// go first) and makes it due again at <paramref name="dueAt"/>. False when the lease was lost.
    /// </summary>
    Task<bool> ReleaseAsync(OutboxClaim claim, DateTimeOffset dueAt, CancellationToken cancellationToken);

    /// <summary>The last value committed transactions took from the counter <paramref name="sequence"/> (0 when none).</summary>
    Task<long> ReadSequenceAsync(string sequence, CancellationToken cancellationToken);

    /// <summary>Gives up on the message with <paramref name="reason"/>; it is never claimed again. False when the lease was lost.</summary>
    Task<bool> FailAsync(OutboxClaim claim, string reason, CancellationToken cancellationToken);

    /// <summary>
    /// Keeps the claim: extends its lease to <paramref name="lease"/> from now and records <paramref name="note"/> (the worker's
    /// latest word on a long piece of work, e.g. its progress; read back as <see cref="OutboxEntry.LastError"/> while pending).
    /// False when the lease was lost (another worker claimed it) or the message was cancelled: the worker should stop.
    /// </summary>
    Task<bool> RenewAsync(OutboxClaim claim, TimeSpan lease, string note, CancellationToken cancellationToken);

    /// <summary>
    /// Gives up on a pending message from outside any claim (a client cancelled the work): it becomes failed with
    /// <paramref name="reason"/>, and a worker holding it finds its lease lost at its next renewal or outcome.
    /// False when there is no pending message with this key.
    /// </summary>
    Task<bool> CancelAsync(string topic, string key, string reason, CancellationToken cancellationToken);

    /// <summary>The message with this key, or null.</summary>
    Task<OutboxEntry?> FindAsync(string topic, string key, CancellationToken cancellationToken);

    /// <summary>The most recently enqueued messages of a topic, newest first, optionally only those in <paramref name="state"/>.</summary>
    Task<IReadOnlyList<OutboxEntry>> ListAsync(string topic, OutboxState? state, int maxCount, CancellationToken cancellationToken);
}
