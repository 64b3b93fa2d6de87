using System.Data.Common;
using Microsoft.Data.Sqlite;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Search.Sql;
using PatientVoice.Storage.Versioning;

namespace PatientVoice.Storage.Sqlite;

/// <summary>
/// One SQLite write session on the store's writer connection, holding the store's writer turn until it commits or is
/// disposed (<see cref="SqliteWriterTurn"/>): a savepoint in the turn's open transaction with group commit, else a
/// transaction (BEGIN IMMEDIATE) of its own. The writer turn keeps other writers out, so the rows it reads need no lock.
/// Its statements are the connection's kept, prepared commands (<see cref="SqliteStatementCache"/>). A failure in the
/// database during the session ends the turn with that fault: the connection is not reused, and the writes sharing its
/// transaction fail with it.
/// </summary>
internal sealed class SqliteWriteSession(SqliteWriterTurnSession turn, ISearchIndexer indexer, SqlSearchExecutor search, TimeProvider time)
    : VersionedWriteSession<SqliteWriterConnection, SqliteTransaction>(turn.Connection, turn.Transaction, SqliteDialect.Instance, indexer, search, time)
{
    private const string InsertResourceSql = """
        INSERT INTO resource (resource_type, resource_id, version, last_updated, is_deleted)
        VALUES ($type, $id, 1, $updated, 0) RETURNING pk
        """;

    private const string UpdateResourceSql = "UPDATE resource SET version = $version, last_updated = $updated, is_deleted = $deleted WHERE pk = $pk";

    private const string InsertVersionSql = """
        INSERT INTO resource_version (resource_pk, version, last_updated, method, json)
        VALUES ($pk, $version, $updated, $method, $json)
        """;

    private Exception? _fault;

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

    // A database error (full, I/O, busy) or a statement cancelled half-way: the connection is not trusted again.
    protected override async Task<T> RunAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (Exception e) when (e is DbException or OperationCanceledException)
        {
            _fault ??= e;
            throw;
        }
    }

    // Returns once the COMMIT that holds the session's writes is done (with group commit, perhaps a later session's).
    protected override Task CommitTransactionAsync(CancellationToken cancellationToken) => turn.Turn.CommitAsync(turn, cancellationToken);

    protected override Task RollbackUncommittedAsync()
    {
        if (turn.HandedOn || _fault is not null)
        {
            // Handed on: the turn is another's now. Faulted: the turn's end rolls back the whole transaction.
            return Task.CompletedTask;
        }

        try
        {
            turn.Turn.Rollback(turn);
        }
        catch (Exception e)
        {
            _fault ??= e;
            throw;
        }

        return Task.CompletedTask;
    }

    // With group commit the transaction is the turn's, shared with the sessions before and after this one.
    protected override ValueTask DisposeTransactionAsync() => turn.OwnsTransaction ? Transaction.DisposeAsync() : ValueTask.CompletedTask;

    // The connection stays open for the next session; the turn decides at its end whether to keep it.
    protected override ValueTask ReleaseConnectionAsync() => ValueTask.CompletedTask;

    protected override void OnEnded()
    {
        if (!turn.HandedOn)
        {
            turn.Turn.End(_fault);
        }
    }

    private async Task<long> InsertResourceAsync(StoredResource first, CancellationToken cancellationToken)
    {
        await using var command = Connection.Prepared(InsertResourceSql, Transaction);
        command.Parameters.AddWithValue("$type", first.ResourceType);
        command.Parameters.AddWithValue("$id", first.Id);
        command.Parameters.AddWithValue("$updated", first.LastUpdated.ToUnixTimeMilliseconds());
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Makes <paramref name="version"/> the current version of row <paramref name="pk"/>.</summary>
    private async Task UpdateResourceAsync(long pk, StoredResource version, CancellationToken cancellationToken)
    {
        await using var command = Connection.Prepared(UpdateResourceSql, Transaction);
        command.Parameters.AddWithValue("$version", version.VersionId);
        command.Parameters.AddWithValue("$updated", version.LastUpdated.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$deleted", version.IsDeleted ? 1 : 0);
        command.Parameters.AddWithValue("$pk", pk);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task InsertVersionAsync(long pk, StoredResource version, CancellationToken cancellationToken)
    {
        await using var command = Connection.Prepared(InsertVersionSql, Transaction);
        command.Parameters.AddWithValue("$pk", pk);
        command.Parameters.AddWithValue("$version", version.VersionId);
        command.Parameters.AddWithValue("$updated", version.LastUpdated.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$method", version.Method);
        command.Parameters.AddWithValue("$json", (object?)version.Json ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
