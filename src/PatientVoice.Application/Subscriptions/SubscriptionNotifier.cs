using Hl7.Fhir.Model;
using PatientVoice.Application.Write;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Outbox;
using PatientVoice.Storage.Search;

namespace PatientVoice.Application.Subscriptions;

/// <summary>
/// The one place notifications come from: told of every version written (<see cref="IWriteObserver"/>, called by
/// <see cref="ResourceWriter"/> for every door), inside that write's transaction it queues one event per active
/// subscription whose topic the version triggers, whose filters match, and whose recorded grant reads it — numbered by
/// the subscription's own counter, so numbers are consecutive per subscription and an event exists exactly when the
/// write does. A Subscription written as requested queues its handshake the same way.
/// </summary>
public sealed class SubscriptionNotifier(SearchQueryParser parser, WorkerSignal<SubscriptionWorker> signal, TimeProvider time) : IWriteObserver
{
    // Active subscriptions are read per triggering write; more than this many is a deployment this design does not serve.
    private const int MaxSubscriptions = 1000;

    // The look-up of active subscriptions, parsed once: it runs inside every triggering write's transaction.
    private SearchQuery? _active;

    public bool Observes(string resourceType) => resourceType == "Subscription" || SubscriptionTopics.Triggers(resourceType);

    public async System.Threading.Tasks.Task OnWrittenAsync(IResourceWriteSession session, StoredResource? previous, StoredResource written, Resource resource, CancellationToken cancellationToken)
    {
        if (resource is Subscription { Status: Subscription.SubscriptionStatus.Requested })
        {
            var handshake = new SubscriptionHandshake(written.Id, written.VersionId);
            await session.EnqueueAsync(new OutboxMessage(SubscriptionHandshake.OutboxTopic, handshake.Key, handshake.ToJson()), cancellationToken);
            signal.Notify();
            return;
        }

        if (resource is Subscription)
        {
            return;
        }

        var before = previous?.Json is { } json ? FhirSerializer.Parse<Resource>(json) : null;
        var topics = SubscriptionTopics.All.Where(t => t.ResourceType == written.ResourceType && t.Triggered(before, resource)).ToList();
        if (topics.Count == 0)
        {
            return;
        }

        var query = _active ??= parser.Parse("Subscription", [new("status", "active")], strict: true) with { Count = MaxSubscriptions };
        // A look-up, not a conditional search: which subscriptions are active decides no write, so it must not make
        // every Goal and QuestionnaireResponse write of every instance wait for the conditional lock (ADR 0016).
        var active = await session.LookUpAsync(query, cancellationToken);
        var now = time.GetUtcNow();
        var queued = false;
        foreach (var stored in active.Matches.Where(m => m.Json is not null))
        {
            var subscription = BackportSubscription.Read(FhirSerializer.Parse<Subscription>(stored.Json!), requireGrant: false);
            if (!topics.Contains(subscription.Topic) || !subscription.Matches(resource, now))
            {
                continue;
            }

            var number = await session.NextInSequenceAsync(BackportSubscription.EventSequence(subscription.Id), cancellationToken);
            var @event = new SubscriptionEvent(subscription.Id, number, subscription.Topic.Url, written.VersionedReference, now);
            await session.EnqueueAsync(new OutboxMessage(SubscriptionEvent.OutboxTopic, @event.Key, @event.ToJson()), cancellationToken);
            queued = true;
        }

        if (queued)
        {
            // The worker waits a moment after a wake-up: by then this transaction has committed (or its events never existed).
            signal.Notify();
        }
    }
}
