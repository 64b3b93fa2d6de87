using PatientVoice.Storage;
using PatientVoice.Storage.Faults;

namespace PatientVoice.Web.Security.Audit;

/// <summary>
/// Stores the audit trail: takes what requests enqueued on <see cref="AuditTrail"/> and writes it as
/// AuditEvents, as many as are waiting (up to <see cref="BatchSize"/>) in one transaction (a batch the store cannot take for now is retried, never dropped while the server runs), so a busy server
/// pays one commit per batch rather than one per request: after the first record of a batch it waits
/// <see cref="BatchWindow"/> for more. On shutdown it stores what is still waiting. Its sessions are background writes
/// (<see cref="IResourceStore.BeginBackgroundWriteAsync"/>): no request's write waits to share a commit with a batch, and
/// a batch is small enough (~10 ms of the SQLite writer) that the writes queued behind it are not held long.
/// </summary>
public sealed partial class AuditEventWriter(AuditTrail trail, IResourceStore store, ILogger<AuditEventWriter> logger) : BackgroundService
{
    /// <summary>At most this many AuditEvents per transaction (ADR 0035: 256 held the SQLite writer 30-50 ms at a time).</summary>
    public const int BatchSize = 64;

    /// <summary>How long a batch gathers after its first record (an audit event is stored this much later at most, plus the write).</summary>
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest wait between attempts to store a batch the store refused (e.g. a database restarting).</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(5);

    // At shutdown a batch the store keeps refusing is tried this often, then given up (and logged as lost).
    private const int AttemptsAtShutdown = 3;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = trail.Reader;
        var batch = new List<AuditRecord>(BatchSize);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                await Task.Delay(BatchWindow, stoppingToken);
                await DrainAsync(batch, shuttingDown: false, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: store what is still queued, the batch that was being retried first.
            await DrainAsync(batch, shuttingDown: true, CancellationToken.None);
        }
    }

    // Stores everything queued, a batch per transaction. A batch the store refuses is kept and tried again (with a
    // growing pause, while requests wait on the full queue: AuditTrail's back-pressure) rather than dropped.
    private async Task DrainAsync(List<AuditRecord> batch, bool shuttingDown, CancellationToken cancellationToken)
    {
        var attempts = 0;
        while (true)
        {
            while (batch.Count < BatchSize && trail.Reader.TryRead(out var record))
            {
                batch.Add(record);
            }

            if (batch.Count == 0)
            {
                return;
            }

            try
            {
                var prepared = batch.Select(r => store.Prepare(AuditEventFactory.Create(r))).ToList();
                await using var session = await store.BeginBackgroundWriteAsync(cancellationToken);
                foreach (var audit in prepared)
                {
                    await session.PutAsync(audit, null, cancellationToken);
                }

                await session.CommitAsync(cancellationToken);
                batch.Clear();
                attempts = 0;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                attempts++;
                if (StoreFailure.Classify(e) is null || (shuttingDown && attempts >= AttemptsAtShutdown))
                {
                    // Not the store being away or full (a defect in the records themselves: trying again cannot help),
                    // or the server is stopping: give the batch up, loudly.
                    LogLost(batch.Count, e.GetType().Name, attempts);
                    batch.Clear();
                    attempts = 0;
                    continue;
                }

                var delay = TimeSpan.FromMilliseconds(Math.Min(MaxRetryDelay.TotalMilliseconds, 100 * Math.Pow(2, attempts - 1)));
                LogWriteFailed(batch.Count, e.GetType().Name, delay.TotalMilliseconds);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing {Count} audit events failed ({ExceptionType}); trying again in {DelayMs} ms")]
    private partial void LogWriteFailed(int count, string exceptionType, double delayMs);

    [LoggerMessage(Level = LogLevel.Critical, Message = "Storing {Count} audit events failed ({ExceptionType}, attempt {Attempts}) and cannot be retried; they are lost")]
    private partial void LogLost(int count, string exceptionType, int attempts);
}
