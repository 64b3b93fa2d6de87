using System.Globalization;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using PatientVoice.Application.Subscriptions;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Outbox;
using PatientVoice.Web.FhirApi.Formats;

namespace PatientVoice.Web.FhirApi.Subscriptions;

/// <summary>
/// The R4 backport's operations on a Subscription: <c>$status</c> (instance, and type level with <c>id</c>) and
/// <c>$events</c> (the events kept in the outbox, in a notification bundle of type query-event). Subscription CRUD is
/// the ordinary write path (<see cref="SubscriptionRules"/> holds it to the profile). Reads go through the request's store,
/// so a caller sees only the subscriptions and focus resources its token reaches.
/// </summary>
public static class SubscriptionOperations
{
    public static void Map(RouteGroupBuilder fhir)
    {
        fhir.MapGet("/Subscription/{id}/$status", StatusAsync).WithName("subscription-status").WithSummary("The status of a subscription (R4 backport $status)");
        fhir.MapGet("/Subscription/$status", StatusOfManyAsync).WithName("subscription-status-type").WithSummary("The status of subscriptions by id (R4 backport $status)");
        fhir.MapMethods("/Subscription/{id}/$events", ["GET", "POST"], EventsAsync).WithName("subscription-events").WithSummary("Past events of a subscription (R4 backport $events)");
    }

    private static async Task<IResult> StatusAsync(string id, HttpRequest request, IResourceStore store, IOutbox outbox, CancellationToken cancellationToken)
    {
        var subscription = await ReadAsync(store, id, cancellationToken);
        var bundle = new Bundle { Id = Guid.NewGuid().ToString("N"), Type = Bundle.BundleType.Searchset, Total = 1 };
        bundle.Entry.Add(await StatusEntryAsync(subscription, request, outbox, cancellationToken));
        return FhirResult.Of(StatusCodes.Status200OK, bundle);
    }

    private static async Task<IResult> StatusOfManyAsync(HttpRequest request, IResourceStore store, IOutbox outbox, CancellationToken cancellationToken)
    {
        var ids = request.Query["id"].SelectMany(v => (v ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal).ToList();
        if (ids.Count == 0)
        {
            throw new BadRequestException("Subscription/$status needs one or more 'id' parameters (or call Subscription/[id]/$status).", "id");
        }

        if (ids.Count > 100)
        {
            throw new BadRequestException("Subscription/$status takes at most 100 ids.", "id");
        }

        var bundle = new Bundle { Id = Guid.NewGuid().ToString("N"), Type = Bundle.BundleType.Searchset };
        foreach (var id in ids)
        {
            // Unknown ids (or ones outside the caller's reach) are left out, as a search leaves out what it does not find.
            if (await store.ReadAsync("Subscription", id, cancellationToken) is { IsDeleted: false, Json: { } json })
            {
                bundle.Entry.Add(await StatusEntryAsync(BackportSubscription.Read(FhirSerializer.Parse<Subscription>(json), requireGrant: false), request, outbox, cancellationToken));
            }
        }

        bundle.Total = bundle.Entry.Count;
        return FhirResult.Of(StatusCodes.Status200OK, bundle);
    }

    private static async Task<IResult> EventsAsync(string id, HttpRequest request, FhirRequestBody body, IResourceStore store, IOutbox outbox, IOptions<SubscriptionOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var subscription = await ReadAsync(store, id, cancellationToken);
        var input = FhirRequest.QueryPairs(request.Query).Where(p => p.Key is not ("_format" or "_pretty")).ToList();
        if (HttpMethods.IsPost(request.Method) && request.ContentLength is > 0)
        {
            if (await body.ReadAsync(request, cancellationToken) is not Parameters parameters)
            {
                throw new BadRequestException("$events takes its inputs as URL parameters or in a Parameters resource.");
            }

            input.AddRange(parameters.Parameter.Select(p => new KeyValuePair<string, string>(p.Name ?? string.Empty, p.Value?.ToString() ?? string.Empty)));
        }

        var unknown = input.Select(p => p.Key).FirstOrDefault(k => k is not ("eventsSinceNumber" or "eventsUntilNumber" or "content"));
        if (unknown is not null)
        {
            throw new BadRequestException($"$events has no parameter '{unknown}'; it takes eventsSinceNumber, eventsUntilNumber and content.", unknown);
        }

        var total = await outbox.ReadSequenceAsync(BackportSubscription.EventSequence(subscription.Id), cancellationToken);
        var max = options.Value.MaxEventsPerQuery;
        var until = Number(input, "eventsUntilNumber") ?? total;
        var since = Number(input, "eventsSinceNumber") ?? Math.Max(1, until - max + 1);
        if (since > until)
        {
            throw new BadRequestException($"eventsSinceNumber ({since}) is after eventsUntilNumber ({until}).", "eventsSinceNumber");
        }

        until = Math.Min(Math.Min(until, total), since + max - 1);
        var contentCode = input.LastOrDefault(p => p.Key == "content").Value;
        var content = contentCode is null ? subscription.Content : BackportSubscription.ParseContent(contentCode)
            ?? throw new BadRequestException($"content '{contentCode}' is not one of empty, id-only, full-resource.", "content");

        var events = new List<NotificationEvent>();
        for (var number = Math.Max(1, since); number <= until; number++)
        {
            if (await outbox.FindAsync(SubscriptionEvent.OutboxTopic, SubscriptionEvent.KeyOf(subscription.Id, number), cancellationToken) is not { } entry)
            {
                continue;
            }

            var @event = SubscriptionEvent.FromJson(entry.Payload);
            var focus = content == PayloadContent.Empty ? null : await ReadFocusAsync(store, @event.Focus, cancellationToken);
            if (content != PayloadContent.Empty && focus is null)
            {
                // The caller's token does not reach it (or it is gone): the event is told without naming it.
                events.Add(new NotificationEvent(number, @event.At, null, @event.Focus));
                continue;
            }

            events.Add(new NotificationEvent(number, @event.At, focus, @event.Focus));
        }

        var bundle = NotificationBundle.Create(subscription, FhirRequest.BaseUrl(request), NotificationType.QueryEvent, total, events, content, time.GetUtcNow());
        return FhirResult.Of(StatusCodes.Status200OK, bundle);
    }

    private static async Task<Bundle.EntryComponent> StatusEntryAsync(BackportSubscription subscription, HttpRequest request, IOutbox outbox, CancellationToken cancellationToken)
    {
        var total = await outbox.ReadSequenceAsync(BackportSubscription.EventSequence(subscription.Id), cancellationToken);
        var status = NotificationBundle.Status(subscription, FhirRequest.BaseUrl(request), NotificationType.QueryStatus, total, [], subscription.Content);
        return new Bundle.EntryComponent
        {
            FullUrl = $"urn:uuid:{status.Id}",
            Resource = status,
            Search = new Bundle.SearchComponent { Mode = Bundle.SearchEntryMode.Match },
        };
    }

    private static async Task<BackportSubscription> ReadAsync(IResourceStore store, string id, CancellationToken cancellationToken)
    {
        var stored = await store.ReadAsync("Subscription", id, cancellationToken) ?? throw new ResourceNotFoundException($"Subscription/{id} is not known.");
        if (stored.Json is null)
        {
            throw new ResourceGoneException($"Subscription/{id} was deleted.");
        }

        return BackportSubscription.Read(FhirSerializer.Parse<Subscription>(stored.Json), requireGrant: false);
    }

    private static async Task<StoredResource?> ReadFocusAsync(IResourceStore store, string versioned, CancellationToken cancellationToken)
    {
        var parts = versioned.Split('/');
        return parts.Length == 4 && int.TryParse(parts[3], CultureInfo.InvariantCulture, out var version)
            && await store.ReadVersionAsync(parts[0], parts[1], version, cancellationToken) is { Json: not null } focus
            ? focus
            : null;
    }

    private static long? Number(List<KeyValuePair<string, string>> input, string name)
    {
        var value = input.LastOrDefault(p => p.Key == name).Value;
        if (value is null)
        {
            return null;
        }

        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1
            ? number
            : throw new BadRequestException($"{name} must be an event number (1 or more), not '{value}'.", name);
    }
}
