namespace PatientVoice.Storage.Sqlite;

/// <summary>What <see cref="SqliteBackup.CreateAsync"/> wrote: the copy, its schema version, how many resources it holds.</summary>
public sealed record SqliteBackupResult(string Source, string Destination, int SchemaVersion, long Resources, long Bytes, TimeSpan Elapsed);
