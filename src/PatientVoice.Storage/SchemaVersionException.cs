namespace PatientVoice.Storage;

/// <summary>
/// The database was written by a newer PatientVoice than this one (its schema version is higher than this build's
/// last migration). Thrown at start-up, before anything is read or written: an older build must not guess at tables
/// it does not know.
/// </summary>
public sealed class SchemaVersionException(string message) : InvalidOperationException(message);
