namespace PatientVoice.Storage.Outbox;

/// <summary>
/// A message a worker holds until <see cref="LeaseUntil"/>. <see cref="Attempt"/> counts claims, this one
/// included. Completing, rescheduling or failing needs the <see cref="LeaseToken"/>: a worker whose lease ran out
/// and whose message was claimed again by another cannot overwrite that one's outcome.
/// </summary>
public sealed record OutboxClaim(
    long Id,
    string Topic,
    string Key,
    string Payload,
    int Attempt,
    DateTimeOffset EnqueuedAt,
    DateTimeOffset LeaseUntil,
    string LeaseToken);
