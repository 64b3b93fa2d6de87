namespace PatientVoice.Storage.Outbox;

/// <summary>Where an outbox message stands.</summary>
public enum OutboxState
{
    /// <summary>Waiting for its due time, or claimed by a worker whose lease has not run out.</summary>
    Pending,

    /// <summary>Done; kept for status pages.</summary>
    Completed,

    /// <summary>Given up on, with the reason; never claimed again.</summary>
    Failed,
}
