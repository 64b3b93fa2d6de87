using Microsoft.Data.Sqlite;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Search;
using PatientVoice.Storage.Search.Sql;
using PatientVoice.Storage.Versioning;
using Resource = Hl7.Fhir.Model.Resource;

namespace PatientVoice.Storage.Sqlite;

/// <summary>One SQLite write transaction (BEGIN IMMEDIATE), holding the store's writer turn until disposed.</summary>
internal sealed class SqliteWriteSession : IResourceWriteSession
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly ISearchIndexer _indexer;
    private readonly SqliteSearchExecutor _search;
    private readonly SemaphoreSlim _writeLock;
    private readonly TimeProvider _time;
    private bool _committed;
    private bool _disposed;

    public SqliteWriteSession(SqliteConnection connection, SqliteTransaction transaction, ISearchIndexer indexer, SqliteSearchExecutor search, SemaphoreSlim writeLock, TimeProvider time)
    {
        _connection = connection;
        _transaction = transaction;
        _indexer = indexer;
        _search = search;
        _writeLock = writeLock;
        _time = time;
    }

    public async Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken)
        => (await LockCurrentAsync(resourceType, id, cancellationToken))?.Stored;

    public Task<SearchResult> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
        => _search.ExecuteAsync(_connection, _transaction, query, cancellationToken);

    public Task<WriteResult> PutAsync(Resource resource, int? ifMatchVersion, CancellationToken cancellationToken)
        => PutAsync(new PreparedResource(resource, _indexer.Extract(resource)), ifMatchVersion, cancellationToken);

    public async Task<WriteResult> PutAsync(PreparedResource prepared, int? ifMatchVersion, CancellationToken cancellationToken)
    {
        var resource = prepared.Resource;
        var current = resource.Id is null ? null : await LockCurrentAsync(resource.TypeName, resource.Id, cancellationToken);
        var next = VersionPolicy.ForPut(resource, current?.Stored, ifMatchVersion);
        if (next.Unchanged is { } unchanged)
        {
            return unchanged;
        }

        var written = next.Stamp(resource, StoreClock.Now(_time));
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
        await SqliteSearchIndex.ReplaceAsync(_connection, _transaction, pk, written.ResourceType, prepared.IndexEntries, replacing: next.RemovesIndexRows, cancellationToken);
        return next.Result(written);
    }

    public async Task<StoredResource?> DeleteAsync(string resourceType, string id, int? ifMatchVersion, CancellationToken cancellationToken)
    {
        var current = await LockCurrentAsync(resourceType, id, cancellationToken);
        var next = VersionPolicy.ForDelete(resourceType, id, current?.Stored, ifMatchVersion);
        if (current is null || !next.AddsVersion)
        {
            return null;
        }

        var tombstone = next.Tombstone(StoreClock.Now(_time));
        await UpdateResourceAsync(current.Pk, tombstone, cancellationToken);
        await InsertVersionAsync(current.Pk, tombstone, cancellationToken);
        await SqliteSearchIndex.RemoveAsync(_connection, _transaction, current.Pk, cancellationToken);
        return tombstone;
    }

    public async Task EnqueueAsync(Outbox.OutboxMessage message, CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = """
            INSERT INTO outbox (topic, key, payload, state, attempts, enqueued_at, due_at)
            VALUES ($topic, $key, $payload, 0, 0, $now, $now)
            ON CONFLICT (topic, key) DO NOTHING
            """;
        command.Parameters.AddWithValue("$topic", message.Topic);
        command.Parameters.AddWithValue("$key", message.Key);
        command.Parameters.AddWithValue("$payload", message.Payload);
        command.Parameters.AddWithValue("$now", StoreClock.Now(_time).ToUnixTimeMilliseconds());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _transaction.CommitAsync(cancellationToken);
        _committed = true;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_committed)
            {
                await _transaction.RollbackAsync();
            }
        }
        finally
        {
            await _transaction.DisposeAsync();
            await _connection.DisposeAsync();
            _writeLock.Release();
        }
    }

    // The writer turn (BEGIN IMMEDIATE) already keeps other writers out; the dialect adds no row lock.
    private Task<CurrentResourceRow?> LockCurrentAsync(string resourceType, string id, CancellationToken cancellationToken)
        => SqlResourceReader.LockCurrentAsync(_connection, _transaction, SqliteDialect.Instance, resourceType, id, cancellationToken);

    private async Task<long> InsertResourceAsync(StoredResource first, CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand();
        command.Transaction = _transaction;
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
        await using var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = "UPDATE resource SET version = $version, last_updated = $updated, is_deleted = $deleted WHERE pk = $pk";
        command.Parameters.AddWithValue("$version", version.VersionId);
        command.Parameters.AddWithValue("$updated", version.LastUpdated.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$deleted", version.IsDeleted ? 1 : 0);
        command.Parameters.AddWithValue("$pk", pk);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task InsertVersionAsync(long pk, StoredResource version, CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand();
        command.Transaction = _transaction;
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
