using Npgsql;
using PatientVoice.Fhir.Errors;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Search;
using PatientVoice.Storage.Search.Sql;
using PatientVoice.Storage.Versioning;
using Resource = Hl7.Fhir.Model.Resource;

namespace PatientVoice.Storage.Postgres;

/// <summary>
/// One READ COMMITTED transaction. Every resource it reads or writes is row-locked (<c>FOR UPDATE</c>), and its
/// first search takes the store-wide conditional lock, so conditional interactions of all instances decide and
/// write one at a time (docs/adr/0016-postgresql-store.md). Disposing without committing rolls back.
/// </summary>
internal sealed class PostgresWriteSession : IResourceWriteSession
{
    /// <summary>Transaction-scoped advisory lock serialising the sessions that search (conditional interactions).</summary>
    internal const long ConditionalLockKey = 0x5056_0002; // "PV" 2

    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private readonly ISearchIndexer _indexer;
    private readonly SqlSearchExecutor _search;
    private readonly TimeProvider _time;
    private bool _holdsConditionalLock;
    private bool _disposed;

    public PostgresWriteSession(NpgsqlConnection connection, NpgsqlTransaction transaction, ISearchIndexer indexer, SqlSearchExecutor search, TimeProvider time)
    {
        _connection = connection;
        _transaction = transaction;
        _indexer = indexer;
        _search = search;
        _time = time;
    }

    public Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken)
        => Guard(async () => (await LockCurrentAsync(resourceType, id, cancellationToken))?.Stored);

    public Task<SearchResult> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
        => Guard(async () =>
        {
            if (!_holdsConditionalLock)
            {
                await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", _connection);
                command.Parameters.AddWithValue("key", ConditionalLockKey);
                await command.ExecuteNonQueryAsync(cancellationToken);
                _holdsConditionalLock = true;
            }

            return await _search.ExecuteAsync(_connection, _transaction, query, cancellationToken);
        });

    public Task<WriteResult> PutAsync(Resource resource, int? ifMatchVersion, CancellationToken cancellationToken)
        => PutAsync(new PreparedResource(resource, _indexer.Extract(resource)), ifMatchVersion, cancellationToken);

    public Task<WriteResult> PutAsync(PreparedResource prepared, int? ifMatchVersion, CancellationToken cancellationToken)
        => Guard(() => PutLockedAsync(prepared, ifMatchVersion, cancellationToken));

    public Task<StoredResource?> DeleteAsync(string resourceType, string id, int? ifMatchVersion, CancellationToken cancellationToken)
        => Guard(async () =>
        {
            var current = await LockCurrentAsync(resourceType, id, cancellationToken);
            var next = VersionPolicy.ForDelete(resourceType, id, current?.Stored, ifMatchVersion);
            if (current is null || !next.AddsVersion)
            {
                return null;
            }

            var tombstone = next.Tombstone(StoreClock.Now(_time));
            await using var batch = new NpgsqlBatch(_connection, _transaction);
            AddUpdateResource(batch, current.Pk, tombstone);
            AddInsertVersion(batch, current.Pk, tombstone);
            PostgresSearchIndex.AddRemove(batch, current.Pk);
            await batch.ExecuteNonQueryAsync(cancellationToken);
            return tombstone;
        });

    public Task EnqueueAsync(Outbox.OutboxMessage message, CancellationToken cancellationToken)
        => Guard(async () =>
        {
            await using var command = new NpgsqlCommand("""
                INSERT INTO outbox (topic, key, payload, state, attempts, enqueued_at, due_at)
                VALUES (@topic, @key, @payload, 0, 0, @now, @now)
                ON CONFLICT (topic, key) DO NOTHING
                """, _connection, _transaction);
            command.Parameters.AddWithValue("topic", message.Topic);
            command.Parameters.AddWithValue("key", message.Key);
            command.Parameters.AddWithValue("payload", message.Payload);
            command.Parameters.AddWithValue("now", StoreClock.Now(_time).ToUnixTimeMilliseconds());
            return await command.ExecuteNonQueryAsync(cancellationToken);
        });

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await Guard(async () =>
        {
            await _transaction.CommitAsync(cancellationToken);
            return true;
        });
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
            // Disposing an uncommitted Npgsql transaction rolls it back (also after a failed statement).
            await _transaction.DisposeAsync();
        }
        finally
        {
            await _connection.DisposeAsync();
        }
    }

    private async Task<WriteResult> PutLockedAsync(PreparedResource prepared, int? ifMatchVersion, CancellationToken cancellationToken)
    {
        var resource = prepared.Resource;
        var current = resource.Id is null ? null : await LockCurrentAsync(resource.TypeName, resource.Id, cancellationToken);
        var next = VersionPolicy.ForPut(resource, current?.Stored, ifMatchVersion);
        if (next.Unchanged is { } unchanged)
        {
            return unchanged;
        }

        var isNewId = resource.Id is null;
        var written = next.Stamp(resource, StoreClock.Now(_time));

        await using var batch = new NpgsqlBatch(_connection, _transaction);
        long? pk = current?.Pk;
        if (current is null && isNewId)
        {
            // A server-assigned id (Guid v7) cannot be taken: the row, its version and its index rows go in one round trip.
            AddInsertResource(batch, written);
        }
        else if (current is null)
        {
            if (await TryInsertResourceAsync(written, cancellationToken) is not { } inserted)
            {
                // Another transaction created this client-chosen id and committed while we looked: we waited for
                // it, and now write on top of what it wrote, as if we had come second.
                return await PutLockedAsync(prepared, ifMatchVersion, cancellationToken);
            }

            pk = inserted;
        }
        else
        {
            AddUpdateResource(batch, current.Pk, written);
            if (next.RemovesIndexRows)
            {
                PostgresSearchIndex.AddRemove(batch, current.Pk);
            }
        }

        AddInsertVersion(batch, pk, written);
        PostgresSearchIndex.AddInserts(batch, pk, written.ResourceType, prepared.IndexEntries);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return next.Result(written);
    }

    /// <summary>The current row of a resource, locked until the transaction ends (writers of it queue here).</summary>
    private Task<CurrentResourceRow?> LockCurrentAsync(string resourceType, string id, CancellationToken cancellationToken)
        => SqlResourceReader.LockCurrentAsync(_connection, _transaction, PostgresDialect.Instance, resourceType, id, cancellationToken);

    /// <summary>The new resource row's pk, or null when a concurrent transaction created the same type and id first.</summary>
    private async Task<long?> TryInsertResourceAsync(StoredResource first, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO resource (resource_type, resource_id, version, last_updated, is_deleted)
            VALUES (@type, @id, 1, @updated, 0)
            ON CONFLICT (resource_type, resource_id) DO NOTHING
            RETURNING pk
            """, _connection, _transaction);
        command.Parameters.AddWithValue("type", first.ResourceType);
        command.Parameters.AddWithValue("id", first.Id);
        command.Parameters.AddWithValue("updated", first.LastUpdated.ToUnixTimeMilliseconds());
        return await command.ExecuteScalarAsync(cancellationToken) is long pk ? pk : null;
    }

    /// <summary>Makes <paramref name="version"/> the current version of row <paramref name="pk"/>.</summary>
    private static void AddUpdateResource(NpgsqlBatch batch, long pk, StoredResource version)
    {
        var command = new NpgsqlBatchCommand("UPDATE resource SET version = $1, last_updated = $2, is_deleted = $3 WHERE pk = $4");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version.VersionId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version.LastUpdated.ToUnixTimeMilliseconds() });
        command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)(version.IsDeleted ? 1 : 0) });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = pk });
        batch.BatchCommands.Add(command);
    }

    private static void AddInsertResource(NpgsqlBatch batch, StoredResource first)
    {
        var command = new NpgsqlBatchCommand("INSERT INTO resource (resource_type, resource_id, version, last_updated, is_deleted) VALUES ($1, $2, 1, $3, 0)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = first.ResourceType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = first.Id });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = first.LastUpdated.ToUnixTimeMilliseconds() });
        batch.BatchCommands.Add(command);
    }

    /// <summary>A version row of <paramref name="pk"/> or, when null, of the row inserted earlier in the batch.</summary>
    private static void AddInsertVersion(NpgsqlBatch batch, long? pk, StoredResource version)
    {
        var command = new NpgsqlBatchCommand(
            $"INSERT INTO resource_version (resource_pk, version, last_updated, method, json) VALUES ({(pk is null ? PostgresSearchIndex.InsertedPk : "$1")}, $2, $3, $4, $5)");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = pk ?? 0 });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version.VersionId });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = version.LastUpdated.ToUnixTimeMilliseconds() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = version.Method });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)version.Json ?? DBNull.Value });
        batch.BatchCommands.Add(command);
    }

    /// <summary>
    /// A deadlock or serialization failure between instances rolls this transaction back: the caller gets a 409
    /// (OperationOutcome) and may retry; nothing of it was stored.
    /// </summary>
    private static async Task<T> Guard<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.LockNotAvailable)
        {
            throw new ResourceConflictException("The write met a concurrent transaction on the same resources and was rolled back; nothing was stored. Retry it.");
        }
    }

}
