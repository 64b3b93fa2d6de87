namespace PatientVoice.Storage.Sqlite;

/// <summary>A backup that could not be made; its message says why, in an operator's words.</summary>
public sealed class SqliteBackupException(string message, Exception? inner = null) : Exception(message, inner);
