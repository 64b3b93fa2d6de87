using Hl7.Fhir.Model;
using PatientVoice.Storage;

namespace PatientVoice.Application.Subscriptions;

/// <summary>What a notification (or a <c>$status</c> / <c>$events</c> answer) says: its type and the events it carries.</summary>
public enum NotificationType
{
    Handshake,
    Heartbeat,
    EventNotification,
    QueryStatus,
    QueryEvent,
}

/// <summary>An event as a notification carries it: its number, when it happened, and the focus version when the content names it.</summary>
public sealed record NotificationEvent(long Number, DateTimeOffset At, StoredResource? Focus, string FocusReference);

/// <summary>
/// Notification bundles as the R4 backport defines them: a <c>history</c> Bundle whose first entry is the status (a
/// Parameters with the backport-subscription-status-r4 profile: subscription, topic, status, type,
/// events-since-subscription-start, one notification-event per event), then, for id-only and full-resource, one entry
/// per focus (full-resource with the resource as it was at the event).
/// </summary>
public static class NotificationBundle
{
    public const string StatusProfile = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription-status-r4";

    public static string TypeCode(NotificationType type) => type switch
    {
        NotificationType.Handshake => "handshake",
        NotificationType.Heartbeat => "heartbeat",
        NotificationType.EventNotification => "event-notification",
        NotificationType.QueryStatus => "query-status",
        _ => "query-event",
    };

    public static string StatusCode(Subscription.SubscriptionStatus status) => status switch
    {
        Subscription.SubscriptionStatus.Requested => "requested",
        Subscription.SubscriptionStatus.Active => "active",
        Subscription.SubscriptionStatus.Error => "error",
        _ => "off",
    };

    /// <summary>The status Parameters of a subscription.</summary>
    public static Parameters Status(BackportSubscription subscription, string fhirBase, NotificationType type, long eventsSinceStart, IReadOnlyList<NotificationEvent> events, PayloadContent content)
    {
        var parameters = new Parameters
        {
            Id = Guid.NewGuid().ToString("D"),
            Meta = new Meta { Profile = [StatusProfile] },
        };
        parameters.Parameter.Add(new Parameters.ParameterComponent { Name = "subscription", Value = new ResourceReference(Url(fhirBase, $"Subscription/{subscription.Id}")) });
        parameters.Parameter.Add(new Parameters.ParameterComponent { Name = "topic", Value = new Canonical(subscription.Topic.Url) });
        parameters.Parameter.Add(new Parameters.ParameterComponent { Name = "status", Value = new Code(StatusCode(subscription.Status)) });
        parameters.Parameter.Add(new Parameters.ParameterComponent { Name = "type", Value = new Code(TypeCode(type)) });
        parameters.Parameter.Add(new Parameters.ParameterComponent { Name = "events-since-subscription-start", Value = new FhirString(eventsSinceStart.ToString(System.Globalization.CultureInfo.InvariantCulture)) });
        foreach (var @event in events)
        {
            var part = new Parameters.ParameterComponent { Name = "notification-event" };
            part.Part.Add(new Parameters.ParameterComponent { Name = "event-number", Value = new FhirString(@event.Number.ToString(System.Globalization.CultureInfo.InvariantCulture)) });
            part.Part.Add(new Parameters.ParameterComponent { Name = "timestamp", Value = new Instant(@event.At) });
            if (content != PayloadContent.Empty)
            {
                part.Part.Add(new Parameters.ParameterComponent { Name = "focus", Value = new ResourceReference(Url(fhirBase, Unversioned(@event.FocusReference))) });
            }

            parameters.Parameter.Add(part);
        }

        if (subscription.Status == Subscription.SubscriptionStatus.Error && subscription.Error is { } error)
        {
            parameters.Parameter.Add(new Parameters.ParameterComponent { Name = "error", Value = new CodeableConcept { Text = error } });
        }

        return parameters;
    }

    /// <summary>A notification (or $events answer): the status entry, then the focus entries the content calls for.</summary>
    public static Bundle Create(BackportSubscription subscription, string fhirBase, NotificationType type, long eventsSinceStart, IReadOnlyList<NotificationEvent> events, PayloadContent content, DateTimeOffset now)
    {
        var status = Status(subscription, fhirBase, type, eventsSinceStart, events, content);
        var bundle = new Bundle { Id = Guid.NewGuid().ToString("N"), Type = Bundle.BundleType.History, Timestamp = now };
        bundle.Entry.Add(new Bundle.EntryComponent
        {
            FullUrl = $"urn:uuid:{status.Id}",
            Resource = status,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.GET, Url = Url(fhirBase, $"Subscription/{subscription.Id}/$status") },
            Response = new Bundle.ResponseComponent { Status = "200" },
        });
        if (content == PayloadContent.Empty)
        {
            return bundle;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var @event in events)
        {
            if (!seen.Add(@event.FocusReference) || (subscription.MaxCount is { } max && seen.Count > max))
            {
                continue;
            }

            var reference = Unversioned(@event.FocusReference);
            var created = @event.Focus?.VersionId == 1;
            var entry = new Bundle.EntryComponent
            {
                FullUrl = Url(fhirBase, reference),
                Request = new Bundle.RequestComponent { Method = created ? Bundle.HTTPVerb.POST : Bundle.HTTPVerb.PUT, Url = created ? reference.Split('/')[0] : reference },
                Response = new Bundle.ResponseComponent
                {
                    Status = created ? "201" : "200",
                    Location = Url(fhirBase, @event.FocusReference),
                    LastModified = @event.Focus?.LastUpdated,
                },
            };
            if (content == PayloadContent.FullResource && @event.Focus?.Json is { } json)
            {
                entry.Resource = PatientVoice.Fhir.Serialization.FhirSerializer.Parse<Resource>(json);
            }

            bundle.Entry.Add(entry);
        }

        return bundle;
    }

    /// <summary>An absolute URL on <paramref name="fhirBase"/>, or <paramref name="path"/> itself when no base is known.</summary>
    public static string Url(string fhirBase, string path) => fhirBase.Length == 0 ? path : $"{fhirBase.TrimEnd('/')}/{path}";

    /// <summary><c>Goal/1</c> for <c>Goal/1/_history/2</c>.</summary>
    public static string Unversioned(string reference)
    {
        var history = reference.IndexOf("/_history/", StringComparison.Ordinal);
        return history < 0 ? reference : reference[..history];
    }
}
