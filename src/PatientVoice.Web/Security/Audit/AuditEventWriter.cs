using PatientVoice.Storage;

namespace PatientVoice.Web.Security.Audit;

/// <summary>
/// Stores the audit trail: takes what requests enqueued on <see cref="AuditTrail"/> and writes it as
/// AuditEvents, as many as are waiting (up to <see cref="BatchSize"/>) in one transaction, so a busy server
/// pays one commit per batch rather than one per request: after the first record of a batch it waits
/// <see cref="BatchWindow"/> for more. On shutdown it stores what is still waiting.
/// </summary>
public sealed partial class AuditEventWriter(AuditTrail trail, IResourceStore store, ILogger<AuditEventWriter> logger) : BackgroundService
{
    public const int BatchSize = 256;

    /// <summary>How long a batch gathers after its first record (an audit event is stored this much later at most, plus the write).</summary>
    public static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(200);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var reader = trail.Reader;
        var batch = new List<AuditRecord>(BatchSize);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                await Task.Delay(BatchWindow, stoppingToken);
                await DrainAsync(batch, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: store what is still queued.
            await DrainAsync(batch, CancellationToken.None);
        }
    }

    private async Task DrainAsync(List<AuditRecord> batch, CancellationToken cancellationToken)
    {
        while (true)
        {
            batch.Clear();
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
                await using var session = await store.BeginWriteAsync(cancellationToken);
                foreach (var audit in prepared)
                {
                    await session.PutAsync(audit, null, cancellationToken);
                }

                await session.CommitAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogWriteFailed(batch.Count, e.GetType().Name);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Storing {Count} audit events failed ({ExceptionType}); they are lost")]
    private partial void LogWriteFailed(int count, string exceptionType);
}
