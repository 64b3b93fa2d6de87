using System.Collections.Concurrent;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Outbox;

namespace PatientVoice.Application.Subscriptions;

/// <summary>
/// Delivers what <see cref="SubscriptionNotifier"/> queued, with the EHR write-back's machinery (the store's outbox,
/// leases, back-off): handshakes (then the subscription is <c>active</c>, or <c>error</c> after
/// <c>HandshakeAttempts</c>), events in order per subscription (an event waits while the one before it is pending, without
/// spending an attempt), and heartbeats. Each subscription's deliveries run on their own, so a slow or failing endpoint
/// holds only its own queue. After <c>MaxAttempts</c> failed attempts at one event the subscription is put in
/// <c>error</c> with the reason; its later events are kept (for <c>$events</c>) but not sent. A crash leaves claims
/// leased; they are sent again when the lease runs out (receivers de-duplicate on the event number).
/// </summary>
public sealed partial class SubscriptionWorker(IOutbox outbox, IResourceStore store, Storage.Search.SearchQueryParser parser, RestHookClient client, WorkerSignal<SubscriptionWorker> signal,
    IOptions<SubscriptionOptions> options, TimeProvider time, ILogger<SubscriptionWorker> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _lastSent = new(StringComparer.Ordinal);
    private DateTimeOffset _nextHeartbeatCheck;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var done in _running.Where(r => r.Value.IsCompleted).ToList())
                {
                    _running.TryRemove(done.Key, out _);
                }

                var handshakes = await outbox.ClaimDueAsync(SubscriptionHandshake.OutboxTopic, settings.BatchSize, settings.Lease, stoppingToken);
                await DispatchAsync(handshakes, c => "h:" + SubscriptionHandshake.FromJson(c.Payload).Subscription, HandshakeAsync, stoppingToken);
                var events = await outbox.ClaimDueAsync(SubscriptionEvent.OutboxTopic, settings.BatchSize, settings.Lease, stoppingToken);
                await DispatchAsync(events, c => "e:" + SubscriptionEvent.FromJson(c.Payload).Subscription, EventAsync, stoppingToken);
                await HeartbeatsAsync(stoppingToken);
                if (handshakes.Count + events.Count == 0)
                {
                    await signal.WaitAsync(settings.PollInterval, stoppingToken);
                    // A wake-up comes from inside a write transaction: give it the moment it needs to commit.
                    await Task.Delay(TimeSpan.FromMilliseconds(50), time, stoppingToken);
                }
                else
                {
                    await signal.WaitAsync(TimeSpan.FromMilliseconds(200), stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                LogLoopFailed(e.GetType().Name);
                await Task.Delay(settings.PollInterval, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        await Task.WhenAll(_running.Values).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    // One queue per subscription: its claims run in order on a task of their own; claims for a subscription whose
    // queue is still busy are handed back (no attempt spent) and claimed again shortly.
    private async Task DispatchAsync(IReadOnlyList<OutboxClaim> claims, Func<OutboxClaim, string> queueOf, Func<OutboxClaim, CancellationToken, Task> process, CancellationToken stoppingToken)
    {
        foreach (var group in claims.GroupBy(queueOf))
        {
            var ordered = group.OrderBy(c => c.Key, StringComparer.Ordinal).ToList();
            if (_running.ContainsKey(group.Key))
            {
                foreach (var claim in ordered)
                {
                    await outbox.ReleaseAsync(claim, StoreClock.Now(time) + TimeSpan.FromMilliseconds(500), stoppingToken);
                }

                continue;
            }

            _running[group.Key] = Task.Run(async () =>
            {
                for (var i = 0; i < ordered.Count; i++)
                {
                    var claim = ordered[i];
                    try
                    {
                        stoppingToken.ThrowIfCancellationRequested();
                        await process(claim, stoppingToken);
                    }
                    catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                    {
                        // Shutting down: hand back this claim and the queue's rest now, in order, rather than when their
                        // leases run out; a notification cut off half-way is sent again (delivery is at least once).
                        await outbox.HandBackAsync(ordered.Skip(i), StoreClock.Now(time), logger);
                        return;
                    }
                    catch (Exception e) when (!stoppingToken.IsCancellationRequested)
                    {
                        LogDeliveryCrashed(claim.Key, e.GetType().Name);
                        await outbox.RescheduleAsync(claim, StoreClock.Now(time) + options.Value.RetryDelay, $"internal error ({e.GetType().Name})", CancellationToken.None);
                    }
                }
            }, CancellationToken.None);
        }
    }

    private async Task HandshakeAsync(OutboxClaim claim, CancellationToken stoppingToken)
    {
        var handshake = SubscriptionHandshake.FromJson(claim.Payload);
        var (stored, subscription) = await ReadAsync(handshake.Subscription, stoppingToken);
        if (stored is null || subscription is null || stored.VersionId != handshake.Version || subscription.Status != Subscription.SubscriptionStatus.Requested)
        {
            // A newer version owes its own handshake, or the subscription is gone or stopped.
            await outbox.CompleteAsync(claim, stoppingToken);
            return;
        }

        var now = StoreClock.Now(time);
        var count = await outbox.ReadSequenceAsync(BackportSubscription.EventSequence(subscription.Id), stoppingToken);
        var bundle = NotificationBundle.Create(subscription, BaseOf(subscription), NotificationType.Handshake, count, [], PayloadContent.Empty, now);
        var result = await client.PostAsync(subscription, bundle, stoppingToken);
        if (result.Delivered)
        {
            await SetStatusAsync(stored, Subscription.SubscriptionStatus.Active, null, stoppingToken);
            _lastSent[subscription.Id] = now;
            LogHandshake(subscription.Id, "active");
            await outbox.CompleteAsync(claim, stoppingToken);
        }
        else if (claim.Attempt >= options.Value.HandshakeAttempts)
        {
            await SetStatusAsync(stored, Subscription.SubscriptionStatus.Error, $"handshake failed after {claim.Attempt} attempts: {result.Reason}", stoppingToken);
            LogHandshake(subscription.Id, "error");
            await outbox.FailAsync(claim, result.Reason ?? "failed", stoppingToken);
        }
        else
        {
            await outbox.RescheduleAsync(claim, now + Backoff(claim.Attempt), result.Reason ?? "retrying", stoppingToken);
        }
    }

    private async Task EventAsync(OutboxClaim claim, CancellationToken stoppingToken)
    {
        var settings = options.Value;
        var @event = SubscriptionEvent.FromJson(claim.Payload);
        var (stored, subscription) = await ReadAsync(@event.Subscription, stoppingToken);
        var now = StoreClock.Now(time);
        switch (subscription?.Status)
        {
            case null:
                await outbox.FailAsync(claim, "not sent: the subscription was deleted", stoppingToken);
                return;
            case Subscription.SubscriptionStatus.Off:
                await outbox.FailAsync(claim, "not sent: the subscription is off", stoppingToken);
                return;
            case Subscription.SubscriptionStatus.Error:
                await outbox.FailAsync(claim, "not sent: the subscription is in error", stoppingToken);
                return;
            case Subscription.SubscriptionStatus.Requested:
                // Changed since the event and waiting for its handshake: the event waits too.
                await outbox.ReleaseAsync(claim, now + settings.RetryDelay, stoppingToken);
                return;
        }

        if (claim.LeaseUntil - now < TimeSpan.FromSeconds(subscription.TimeoutSeconds + 5))
        {
            // Too little of the lease left to send and record: another claim will take it.
            await outbox.ReleaseAsync(claim, now, stoppingToken);
            return;
        }

        if (@event.Number > 1 && await outbox.FindAsync(SubscriptionEvent.OutboxTopic, SubscriptionEvent.KeyOf(subscription.Id, @event.Number - 1), stoppingToken) is { State: OutboxState.Pending } before)
        {
            // In order: the event before this one is still to be delivered.
            await outbox.ReleaseAsync(claim, (before.DueAt > now ? before.DueAt : now) + TimeSpan.FromMilliseconds(10), stoppingToken);
            return;
        }

        var focus = await ReadFocusAsync(@event.Focus, stoppingToken);
        if (focus?.Json is null || !subscription.Grant.CanRead(subscription.Topic.ResourceType, SubscriptionTopics.PatientOf(FhirSerializer.Parse<Resource>(focus.Json))))
        {
            await outbox.FailAsync(claim, "not sent: the subscriber's grant does not read the focus", stoppingToken);
            return;
        }

        var bundle = NotificationBundle.Create(subscription, BaseOf(subscription), NotificationType.EventNotification, @event.Number,
            [new NotificationEvent(@event.Number, @event.At, focus, @event.Focus)], subscription.Content, now);
        var result = await client.PostAsync(subscription, bundle, stoppingToken);
        if (result.Delivered)
        {
            _lastSent[subscription.Id] = now;
            await outbox.CompleteAsync(claim, stoppingToken);
            return;
        }

        if (claim.Attempt >= settings.MaxAttempts)
        {
            var reason = $"event {@event.Number} could not be delivered after {claim.Attempt} attempts: {result.Reason}";
            await SetStatusAsync(stored!, Subscription.SubscriptionStatus.Error, reason, stoppingToken);
            LogError(subscription.Id, @event.Number, claim.Attempt);
            await outbox.FailAsync(claim, result.Reason ?? "failed", stoppingToken);
            return;
        }

        LogRetrying(subscription.Id, @event.Number, claim.Attempt);
        await outbox.RescheduleAsync(claim, now + Backoff(claim.Attempt), result.Reason ?? "retrying", stoppingToken);
    }

    private async Task HeartbeatsAsync(CancellationToken stoppingToken)
    {
        var now = StoreClock.Now(time);
        if (now < _nextHeartbeatCheck)
        {
            return;
        }

        _nextHeartbeatCheck = now + TimeSpan.FromSeconds(1);
        var active = await store.SearchAsync(parser.Parse("Subscription", [new("status", "active")], strict: true) with { Count = 1000 }, stoppingToken);
        foreach (var stored in active.Matches.Where(m => m.Json is not null))
        {
            var subscription = BackportSubscription.Read(FhirSerializer.Parse<Subscription>(stored.Json!), requireGrant: false);
            if (subscription is not { Status: Subscription.SubscriptionStatus.Active, HeartbeatSeconds: > 0 } || _running.ContainsKey("e:" + subscription.Id))
            {
                continue;
            }

            var last = _lastSent.GetOrAdd(subscription.Id, now);
            if (now - last < TimeSpan.FromSeconds(subscription.HeartbeatSeconds.Value))
            {
                continue;
            }

            _lastSent[subscription.Id] = now;
            _running["e:" + subscription.Id] = Task.Run(async () =>
            {
                var count = await outbox.ReadSequenceAsync(BackportSubscription.EventSequence(subscription.Id), stoppingToken);
                var bundle = NotificationBundle.Create(subscription, BaseOf(subscription), NotificationType.Heartbeat, count, [], PayloadContent.Empty, StoreClock.Now(time));
                var result = await client.PostAsync(subscription, bundle, stoppingToken);
                if (!result.Delivered)
                {
                    LogHeartbeatFailed(subscription.Id);
                }
            }, stoppingToken);
        }
    }

    private async Task<(StoredResource? Stored, BackportSubscription? Subscription)> ReadAsync(string id, CancellationToken cancellationToken)
    {
        var stored = await store.ReadAsync("Subscription", id, cancellationToken);
        return stored is { IsDeleted: false, Json: { } json }
            ? (stored, BackportSubscription.Read(FhirSerializer.Parse<Subscription>(json), requireGrant: false))
            : (null, null);
    }

    private async Task<StoredResource?> ReadFocusAsync(string versioned, CancellationToken cancellationToken)
    {
        var parts = versioned.Split('/');
        return parts.Length == 4 && int.TryParse(parts[3], System.Globalization.CultureInfo.InvariantCulture, out var version)
            ? await store.ReadVersionAsync(parts[0], parts[1], version, cancellationToken)
            : null;
    }

    // The server's own change of status (active after the handshake, error after failures): a new version at the one it
    // read, so a client's change meanwhile is never overwritten (that change brings its own handshake).
    private async Task SetStatusAsync(StoredResource stored, Subscription.SubscriptionStatus status, string? error, CancellationToken cancellationToken)
    {
        var subscription = FhirSerializer.Parse<Subscription>(stored.Json!);
        subscription.Status = status;
        subscription.Error = error;
        try
        {
            await using var session = await store.BeginBackgroundWriteAsync(cancellationToken);
            await session.PutAsync(subscription, stored.VersionId, cancellationToken);
            await session.CommitAsync(cancellationToken);
        }
        catch (PatientVoice.Fhir.Errors.PreconditionFailedException)
        {
            LogSuperseded(stored.Id);
        }
    }

    private string BaseOf(BackportSubscription subscription) => (subscription.Grant.FhirBase ?? options.Value.FhirBaseUrl ?? string.Empty).TrimEnd('/');

    // Doubling from RetryDelay, capped, with up to 20 % jitter.
    private TimeSpan Backoff(int attempt)
    {
        var settings = options.Value;
        var delay = Math.Min(settings.RetryDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 20)), settings.MaxRetryDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(delay * (1 + (Random.Shared.NextDouble() * 0.2)));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription/{Id}: handshake done, status {Status}")]
    private partial void LogHandshake(string id, string status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription/{Id}: event {Number} not delivered at attempt {Attempt}; retrying")]
    private partial void LogRetrying(string id, long number, int attempt);

    [LoggerMessage(Level = LogLevel.Error, Message = "Subscription/{Id}: event {Number} failed after {Attempt} attempts; the subscription is in error")]
    private partial void LogError(string id, long number, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Subscription/{Id}: heartbeat not delivered")]
    private partial void LogHeartbeatFailed(string id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscription/{Id}: status not changed, a newer version was written meanwhile")]
    private partial void LogSuperseded(string id);

    [LoggerMessage(Level = LogLevel.Error, Message = "Subscription delivery {Key} threw {Exception}")]
    private partial void LogDeliveryCrashed(string key, string exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Subscription worker: the outbox failed ({Exception}); retrying")]
    private partial void LogLoopFailed(string exception);
}
