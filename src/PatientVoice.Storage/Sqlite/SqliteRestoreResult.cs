namespace PatientVoice.Storage.Sqlite;

/// <summary>What <see cref="SqliteRestore.RestoreAsync"/> did: the database now holds the backup; the file it held before, if any, was kept aside.</summary>
public sealed record SqliteRestoreResult(string Database, string Backup, int SchemaVersion, long Resources, string? SetAside);
