namespace PatientVoice.Storage.Search.Sql;

/// <summary>A resource's row key and its current version (a tombstone if it was deleted), as a write session reads them.</summary>
internal sealed record CurrentResourceRow(long Pk, StoredResource Stored);
