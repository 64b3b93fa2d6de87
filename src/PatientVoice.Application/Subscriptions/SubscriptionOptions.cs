namespace PatientVoice.Application.Subscriptions;

/// <summary>Configuration section <c>Subscriptions</c>: topic-based subscriptions (R4 backport) and their rest-hook delivery.</summary>
public sealed class SubscriptionOptions
{
    public const string Section = "Subscriptions";

    /// <summary>Runs the delivery worker (on by default; several instances on PostgreSQL share the outbox under leases).</summary>
    public bool DeliveryEnabled { get; set; } = true;

    /// <summary>
    /// Allows <c>http://</c> endpoints on loopback (127.0.0.1, ::1, localhost) for full-resource payloads: development and
    /// tests only. Full-resource notifications otherwise go to https endpoints only.
    /// </summary>
    public bool AllowHttpLoopback { get; set; }

    /// <summary>The FHIR base named in notifications when the subscription's creator gave none (e.g. written by the server).</summary>
    public string? FhirBaseUrl { get; set; }

    /// <summary>How often the worker looks for due notifications (a write in this process wakes it at once).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a claimed notification is a worker's; after a crash it is sent again once this runs out.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    public int BatchSize { get; set; } = 32;

    /// <summary>The wait after a failed delivery, doubled per attempt up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Failed attempts at one event before the subscription is put in <c>error</c> with the last reason.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Failed handshakes before a requested subscription is put in <c>error</c>.</summary>
    public int HandshakeAttempts { get; set; } = 3;

    /// <summary>The timeout of one delivery when the subscription sets none (backport-timeout), and the most it may set.</summary>
    public int DefaultTimeoutSeconds { get; set; } = 10;

    public int MaxTimeoutSeconds { get; set; } = 60;

    /// <summary>Shortest heartbeat period a subscription may ask for.</summary>
    public int MinHeartbeatSeconds { get; set; } = 1;

    /// <summary>How many events one <c>$events</c> call returns at most.</summary>
    public int MaxEventsPerQuery { get; set; } = 100;
}
