namespace PatientVoice.Storage.Outbox;

/// <summary>An outbox message as status pages see it.</summary>
public sealed record OutboxEntry(
    long Id,
    string Topic,
    string Key,
    string Payload,
    OutboxState State,
    int Attempts,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset DueAt,
    DateTimeOffset? FinishedAt,
    string? LastError);
