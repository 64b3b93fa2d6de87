using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Application.Subscriptions;

/// <summary>How much of the focus a notification carries (backport-payload-content).</summary>
public enum PayloadContent
{
    Empty,
    IdOnly,
    FullResource,
}

/// <summary>
/// A Subscription read as the Subscriptions R4 Backport profile (backport-subscription) says: <c>criteria</c> the topic's
/// canonical URL with its filters (backport-filter-criteria), a <c>rest-hook</c> channel, the payload's MIME type and
/// content, heartbeat period, timeout and max count; plus what the server recorded of its creator's access
/// (<see cref="SubscriberGrant"/>).
/// </summary>
public sealed record BackportSubscription(
    string Id,
    int Version,
    Subscription.SubscriptionStatus Status,
    SubscriptionTopic Topic,
    IReadOnlyList<SubscriptionFilter> Filters,
    Uri Endpoint,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string PayloadType,
    PayloadContent Content,
    int? HeartbeatSeconds,
    int TimeoutSeconds,
    int? MaxCount,
    DateTimeOffset? End,
    SubscriberGrant Grant,
    string? Error)
{
    public const string Profile = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription";
    public const string Ig = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/";
    public const string FilterCriteriaUrl = Ig + "backport-filter-criteria";
    public const string PayloadContentUrl = Ig + "backport-payload-content";
    public const string HeartbeatPeriodUrl = Ig + "backport-heartbeat-period";
    public const string TimeoutUrl = Ig + "backport-timeout";
    public const string MaxCountUrl = Ig + "backport-max-count";

    /// <summary>The sequence that numbers a subscription's events (eventsSinceSubscriptionStart).</summary>
    public static string EventSequence(string subscriptionId) => $"subscription-events/{subscriptionId}";

    public static string ContentCode(PayloadContent content) => content switch
    {
        PayloadContent.Empty => "empty",
        PayloadContent.IdOnly => "id-only",
        _ => "full-resource",
    };

    public static PayloadContent? ParseContent(string? code) => code switch
    {
        "empty" => PayloadContent.Empty,
        "id-only" => PayloadContent.IdOnly,
        "full-resource" => PayloadContent.FullResource,
        _ => null,
    };

    /// <summary>
    /// Reads <paramref name="subscription"/>, or throws a 422 naming the element that does not fit the profile or this server.
    /// <paramref name="requireGrant"/>: a stored subscription must carry the grant recorded when it was written.
    /// </summary>
    public static BackportSubscription Read(Subscription subscription, bool requireGrant)
    {
        var topic = SubscriptionTopics.ByUrl(subscription.Criteria)
            ?? throw Invalid($"Subscription.criteria must be the canonical URL of a topic this server publishes ({string.Join(", ", SubscriptionTopics.All.Select(t => t.Url))}); see Basic?code=SubscriptionTopic.", "Subscription.criteria");
        var filters = subscription.CriteriaElement?.Extension.Where(e => e.Url == FilterCriteriaUrl)
            .SelectMany(e => SubscriptionFilter.Parse(topic, (e.Value as FhirString)?.Value ?? throw Invalid("backport-filter-criteria takes a valueString, e.g. QuestionnaireResponse?patient=Patient/123.", "Subscription.criteria.extension")))
            .ToList() ?? [];
        var channel = subscription.Channel ?? throw Invalid("Subscription.channel is required.", "Subscription.channel");
        if (channel.Type != Subscription.SubscriptionChannelType.RestHook)
        {
            throw Invalid("Only the rest-hook channel is supported: Subscription.channel.type must be rest-hook.", "Subscription.channel.type");
        }

        if (!Uri.TryCreate(channel.Endpoint, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(endpoint.UserInfo))
        {
            throw Invalid("Subscription.channel.endpoint must be an absolute https URL (no user information).", "Subscription.channel.endpoint");
        }

        var payloadType = channel.Payload ?? "application/fhir+json";
        if (payloadType is not ("application/fhir+json" or "application/json"))
        {
            throw Invalid($"Subscription.channel.payload '{payloadType}' is not supported; notifications are sent as application/fhir+json.", "Subscription.channel.payload");
        }

        var contentCode = (channel.PayloadElement?.GetExtension(PayloadContentUrl)?.Value as Code)?.Value;
        var content = contentCode is null ? PayloadContent.IdOnly : ParseContent(contentCode)
            ?? throw Invalid($"backport-payload-content '{contentCode}' is not one of empty, id-only, full-resource.", "Subscription.channel.payload.extension");

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var header in channel.Header.OfType<string>())
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            var name = colon > 0 ? header[..colon].Trim() : string.Empty;
            if (name.Length == 0 || name.Any(c => c <= ' ' || c >= 127 || c == ':') || header.Any(c => c is '\r' or '\n'))
            {
                throw Invalid($"Subscription.channel.header entries are 'Name: value' HTTP headers; '{Shorten(header)}' is not.", "Subscription.channel.header");
            }

            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase) || name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                throw Invalid($"Subscription.channel.header may not set {name}; the server sets it.", "Subscription.channel.header");
            }

            headers.Add(new(name, header[(colon + 1)..].Trim()));
        }

        var heartbeat = UnsignedInt(channel, HeartbeatPeriodUrl, "backport-heartbeat-period");
        var timeout = UnsignedInt(channel, TimeoutUrl, "backport-timeout");
        if (timeout is 0)
        {
            throw Invalid("backport-timeout must be at least 1 second.", "Subscription.channel.extension");
        }

        var maxCount = (channel.GetExtension(MaxCountUrl)?.Value as PositiveInt)?.Value;
        var grant = SubscriberGrant.Read(subscription);
        if (grant is null && requireGrant)
        {
            throw new InvalidOperationException($"Subscription/{subscription.Id} carries no recorded grant.");
        }

        var version = int.TryParse(subscription.Meta?.VersionId, System.Globalization.CultureInfo.InvariantCulture, out var v) ? v : 0;
        return new BackportSubscription(subscription.Id ?? string.Empty, version, subscription.Status ?? Subscription.SubscriptionStatus.Requested, topic, filters, endpoint, headers,
            payloadType, content, heartbeat, timeout ?? 0, maxCount, subscription.EndElement?.Value, grant ?? SubscriberGrant.Server, subscription.Error);
    }

    /// <summary>Whether an event of this topic about <paramref name="focus"/> (replacing <paramref name="previous"/>) is one for this subscription.</summary>
    public bool Matches(Resource focus, DateTimeOffset now)
        => (End is null || End > now)
            && Grant.CanRead(Topic.ResourceType, SubscriptionTopics.PatientOf(focus))
            && Filters.All(f => f.Matches(focus));

    private static int? UnsignedInt(Subscription.ChannelComponent channel, string url, string name)
        => channel.GetExtension(url)?.Value switch
        {
            null => null,
            UnsignedInt u => u.Value,
            Integer i when i.Value >= 0 => i.Value,
            _ => throw Invalid($"{name} takes a valueUnsignedInt (seconds).", "Subscription.channel.extension"),
        };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    internal static UnprocessableEntityException Invalid(string message, string element) => new(message, element);
}
