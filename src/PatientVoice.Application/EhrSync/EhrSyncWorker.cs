using Microsoft.Extensions.Options;
using PatientVoice.Storage;
using PatientVoice.Storage.Outbox;

namespace PatientVoice.Application.EhrSync;

/// <summary>
/// The outbox worker: claims due write-backs under a lease, delivers each (<see cref="SubmissionDelivery"/>), records the
/// outcome in its Task, and completes, reschedules (backoff doubling from <c>EhrSync:RetryDelay</c> up to
/// <c>EhrSync:MaxRetryDelay</c>, and no sooner than the EHR's Retry-After within that cap) or fails the message. A crash leaves claims leased; they come back when the lease runs out, and since
/// every write is idempotent, a delivery run twice puts everything in the EHR once.
/// </summary>
public sealed partial class EhrSyncWorker(IOutbox outbox, IResourceStore store, SubmissionDelivery delivery, WorkerSignal<EhrSyncWorker> signal,
    IOptions<EhrSyncOptions> options, TimeProvider time, ILogger<EhrSyncWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        LogStarted(settings.FhirBaseUrl ?? "");
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claims = await outbox.ClaimDueAsync(EhrSyncMessage.Topic, settings.BatchSize, settings.Lease, stoppingToken);
                for (var i = 0; i < claims.Count; i++)
                {
                    if (stoppingToken.IsCancellationRequested)
                    {
                        await outbox.HandBackAsync(claims.Skip(i), StoreClock.Now(time), logger);
                        return;
                    }

                    try
                    {
                        await ProcessAsync(claims[i], stoppingToken);
                    }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                    {
                        // Shutting down mid-delivery: hand back this claim and the batch's rest now rather than when
                        // their leases run out, so another instance (or the next start) delivers them at once. A
                        // delivery cut off half-way is safe to run again: every write to the EHR is idempotent.
                        await outbox.HandBackAsync(claims.Skip(i), StoreClock.Now(time), logger);
                        return;
                    }
                }

                if (claims.Count == 0)
                {
                    await signal.WaitAsync(settings.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The store itself failed (disk full, locked): wait a poll interval and try again, never stop.
                LogLoopFailed(e.GetType().Name);
                await Task.Delay(settings.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task ProcessAsync(OutboxClaim claim, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var message = EhrSyncMessage.FromJson(claim.Payload);
        DeliveryReport report;
        try
        {
            report = await delivery.DeliverAsync(message, stoppingToken);
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            LogDeliveryCrashed(claim.Key, e.GetType().Name);
            report = new DeliveryReport(DeliveryState.Retrying, $"internal error ({e.GetType().Name})", []);
        }

        if (report.State == DeliveryState.Retrying && claim.Attempt >= settings.MaxAttempts)
        {
            report = report with { State = DeliveryState.Failed, Reason = $"gave up after {claim.Attempt} attempts; last: {report.Reason}" };
        }

        await WriteTaskAsync(message, report, claim.EnqueuedAt, stoppingToken);
        switch (report.State)
        {
            case DeliveryState.Delivered:
                await outbox.CompleteAsync(claim, stoppingToken);
                break;
            case DeliveryState.Failed:
                LogFailed(claim.Key, claim.Attempt);
                await outbox.FailAsync(claim, report.Reason ?? "failed", stoppingToken);
                break;
            default:
                // Retry-After is honoured up to MaxRetryDelay: an EHR asking for a day does not park the patient's words for a day.
                var delay = Backoff(claim.Attempt, settings);
                if (report.RetryAfter is { } retryAfter && retryAfter > delay)
                {
                    delay = retryAfter < settings.MaxRetryDelay ? retryAfter : settings.MaxRetryDelay;
                }

                LogRetrying(claim.Key, claim.Attempt, (int)delay.TotalMilliseconds);
                await outbox.RescheduleAsync(claim, StoreClock.Now(time) + delay, report.Reason ?? "retrying", stoppingToken);
                break;
        }
    }

    // Doubling from RetryDelay, capped, with up to 20 % jitter so many deliveries do not return at the same instant.
    private static TimeSpan Backoff(int attempt, EhrSyncOptions settings)
    {
        var exponent = Math.Min(attempt - 1, 20);
        var delay = Math.Min(settings.RetryDelay.TotalMilliseconds * Math.Pow(2, exponent), settings.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(delay * (1 + (Random.Shared.NextDouble() * 0.2)));
    }

    // A retry that ends as the last one did (same state, same reason, same items) adds no Task version: during a long
    // outage the Task keeps the time the EHR was first found down instead of a version per attempt.
    private async Task WriteTaskAsync(EhrSyncMessage message, DeliveryReport report, DateTimeOffset queuedAt, CancellationToken cancellationToken)
    {
        var task = EhrSyncTask.Create(message, report.State, report.Reason, report.Items, queuedAt, StoreClock.Now(time));
        await using var session = await store.BeginBackgroundWriteAsync(cancellationToken);
        if (await session.ReadAsync("Task", message.TaskId, cancellationToken) is { Json: { } json }
            && PatientVoice.Fhir.Serialization.FhirSerializer.Parse<Hl7.Fhir.Model.Resource>(json) is Hl7.Fhir.Model.Task current)
        {
            task.LastModifiedElement = current.LastModifiedElement;
            task.Meta = current.Meta;
            if (!string.Equals(PatientVoice.Fhir.Serialization.FhirSerializer.ToJson(task), json, StringComparison.Ordinal))
            {
                task.Meta = null;
                task.LastModifiedElement = new Hl7.Fhir.Model.FhirDateTime(StoreClock.Now(time));
            }
        }

        await session.PutAsync(task, ifMatchVersion: null, cancellationToken);
        await session.CommitAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "EHR write-back worker started for {FhirBase}")]
    private partial void LogStarted(string fhirBase);

    [LoggerMessage(Level = LogLevel.Warning, Message = "EHR write-back {Key}: attempt {Attempt} did not get through; next in {DelayMs} ms")]
    private partial void LogRetrying(string key, int attempt, int delayMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "EHR write-back {Key} failed after attempt {Attempt}; see its Task")]
    private partial void LogFailed(string key, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "EHR write-back {Key}: delivery threw {Exception}")]
    private partial void LogDeliveryCrashed(string key, string exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "EHR write-back worker: the outbox failed ({Exception}); retrying")]
    private partial void LogLoopFailed(string exception);
}
