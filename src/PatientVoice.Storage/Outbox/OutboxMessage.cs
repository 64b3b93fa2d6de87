namespace PatientVoice.Storage.Outbox;

/// <summary>
/// Work to do after a write commits (e.g. deliver a submission to the EHR), enqueued in the write's own
/// transaction through <see cref="IResourceWriteSession.EnqueueAsync"/>: it exists exactly when the write does.
/// <paramref name="Key"/> is unique within <paramref name="Topic"/>; enqueuing a key again changes nothing.
/// <paramref name="Payload"/> is the worker's to read (ids, not patient text).
/// </summary>
public sealed record OutboxMessage(string Topic, string Key, string Payload);
