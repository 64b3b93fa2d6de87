using System.Text.Json;
using System.Text.Json.Serialization;

namespace PatientVoice.Application.Subscriptions;

/// <summary>
/// One event of one subscription, as its outbox message holds it (ids only, never content): topic
/// <see cref="OutboxTopic"/>, key <c>{subscription}/{number, 19 digits}</c>, so the keys of a subscription sort in event
/// order and an event number is queued once. <see cref="Focus"/> names the version that triggered it.
/// </summary>
public sealed record SubscriptionEvent(
    [property: JsonPropertyName("subscription")] string Subscription,
    [property: JsonPropertyName("number")] long Number,
    [property: JsonPropertyName("topic")] string Topic,
    [property: JsonPropertyName("focus")] string Focus,
    [property: JsonPropertyName("at")] DateTimeOffset At)
{
    public const string OutboxTopic = "subscription-event";

    public string Key => KeyOf(Subscription, Number);

    public static string KeyOf(string subscription, long number) => $"{subscription}/{number:D19}";

    public string ToJson() => JsonSerializer.Serialize(this);

    public static SubscriptionEvent FromJson(string json) => JsonSerializer.Deserialize<SubscriptionEvent>(json) ?? throw new InvalidOperationException("Empty subscription event.");
}

/// <summary>A handshake owed to one version of a requested subscription (topic <see cref="OutboxTopic"/>, key <c>{id}/{version}</c>).</summary>
public sealed record SubscriptionHandshake(
    [property: JsonPropertyName("subscription")] string Subscription,
    [property: JsonPropertyName("version")] int Version)
{
    public const string OutboxTopic = "subscription-handshake";

    public string Key => $"{Subscription}/{Version}";

    public string ToJson() => JsonSerializer.Serialize(this);

    public static SubscriptionHandshake FromJson(string json) => JsonSerializer.Deserialize<SubscriptionHandshake>(json) ?? throw new InvalidOperationException("Empty handshake.");
}
