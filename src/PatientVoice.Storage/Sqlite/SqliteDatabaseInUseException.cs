namespace PatientVoice.Storage.Sqlite;

/// <summary>A restore was refused because another connection (a running server) has the database open.</summary>
public sealed class SqliteDatabaseInUseException(string message, Exception? inner = null) : Exception(message, inner);
