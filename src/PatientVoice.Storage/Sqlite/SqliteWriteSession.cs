using Microsoft.Data.Sqlite;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Search.Sql;
using PatientVoice.Storage.Versioning;

namespace PatientVoice.Storage.Sqlite;

/// <summary>
/// One SQLite write transaction (BEGIN IMMEDIATE), holding the store's writer turn until disposed. The writer turn
/// keeps other writers out, so the rows it reads need no lock.
/// </summary>
internal sealed class SqliteWriteSession(SqliteConnection connection, SqliteTransaction transaction, ISearchIndexer indexer, SqlSearchExecutor search, SemaphoreSlim writeLock, TimeProvider time)
    : VersionedWriteSession<SqliteConnection, SqliteTransaction>(connection, transaction, SqliteDialect.Instance, indexer, search, time)
{

    // The writer turn makes every write land: a client-chosen id cannot be taken meanwhile, so this never returns false.
    protected override async Task<bool> WriteVersionAsync(
        CurrentResourceRow? current, bool idAssigned, NextVersion next, StoredResource written, IReadOnlyList<SearchIndexEntry> indexEntries, CancellationToken cancellationToken)
    {
        long pk;
        if (current is null)
        {
            pk = await InsertResourceAsync(written, cancellationToken);
        }
        else
        {
            pk = current.Pk;
            await UpdateResourceAsync(pk, written, cancellationToken);
        }

        await InsertVersionAsync(pk, written, cancellationToken);
        await SqliteSearchIndex.ReplaceAsync(Connection, Transaction, pk, written.ResourceType, indexEntries, replacing: next.RemovesIndexRows, cancellationToken);
        return true;
    }

    protected override async Task WriteTombstoneAsync(long pk, StoredResource tombstone, CancellationToken cancellationToken)
    {
        await UpdateResourceAsync(pk, tombstone, cancellationToken);
        await InsertVersionAsync(pk, tombstone, cancellationToken);
        await SqliteSearchIndex.RemoveAsync(Connection, Transaction, pk, cancellationToken);
    }

    protected override void OnEnded() => writeLock.Release();

    private async Task<long> InsertResourceAsync(StoredResource first, CancellationToken cancellationToken)
    {
        await using var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = """
            INSERT INTO resource (resource_type, resource_id, version, last_updated, is_deleted)
            VALUES ($type, $id, 1, $updated, 0) RETURNING pk
            """;
        command.Parameters.AddWithValue("$type", first.ResourceType);
        command.Parameters.AddWithValue("$id", first.Id);
        command.Parameters.AddWithValue("$updated", first.LastUpdated.ToUnixTimeMilliseconds());
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Makes <paramref name="version"/> the current version of row <paramref name="pk"/>.</summary>
    private async Task UpdateResourceAsync(long pk, StoredResource version, CancellationToken cancellationToken)
    {
        await using var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = "UPDATE resource SET version = $version, last_updated = $updated, is_deleted = $deleted WHERE pk = $pk";
        command.Parameters.AddWithValue("$version", version.VersionId);
        command.Parameters.AddWithValue("$updated", version.LastUpdated.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$deleted", version.IsDeleted ? 1 : 0);
        command.Parameters.AddWithValue("$pk", pk);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task InsertVersionAsync(long pk, StoredResource version, CancellationToken cancellationToken)
    {
        await using var command = Connection.CreateCommand();
        command.Transaction = Transaction;
        command.CommandText = """
            INSERT INTO resource_version (resource_pk, version, last_updated, method, json)
            VALUES ($pk, $version, $updated, $method, $json)
            """;
        command.Parameters.AddWithValue("$pk", pk);
        command.Parameters.AddWithValue("$version", version.VersionId);
        command.Parameters.AddWithValue("$updated", version.LastUpdated.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$method", version.Method);
        command.Parameters.AddWithValue("$json", (object?)version.Json ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
