using Npgsql;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Search;
using PatientVoice.Storage.Search.Sql;
using Meta = Hl7.Fhir.Model.Meta;
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
            if (ifMatchVersion is { } expected && (current is null || current.Version != expected))
            {
                throw new PreconditionFailedException(current is null
                    ? $"If-Match asked for version {expected} of {resourceType}/{id}, which does not exist."
                    : $"If-Match asked for version {expected} of {resourceType}/{id}, but the current version is {current.Version}.");
            }

            if (current is null || current.IsDeleted)
            {
                return null;
            }

            var version = current.Version + 1;
            var lastUpdated = StoreClock.Now(_time);
            await using var batch = new NpgsqlBatch(_connection, _transaction);
            AddUpdateResource(batch, current.Pk, version, lastUpdated, isDeleted: true);
            AddInsertVersion(batch, current.Pk, version, lastUpdated, "DELETE", null);
            PostgresSearchIndex.AddRemove(batch, current.Pk);
            await batch.ExecuteNonQueryAsync(cancellationToken);
            return new StoredResource(resourceType, id, version, lastUpdated, true, null, "DELETE");
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
        var resourceType = resource.TypeName;
        var current = resource.Id is null ? null : await LockCurrentAsync(resourceType, resource.Id, cancellationToken);
        // Identical content first: a retried update whose first attempt landed succeeds again, whatever its If-Match.
        if (current is { IsDeleted: false } live && Unchanged(resource, live.Stored) is { } same)
        {
            return new WriteResult(same, Created: false, Unchanged: true);
        }

        if (ifMatchVersion is { } expected && (current is null || current.Version != expected || current.IsDeleted))
        {
            throw new PreconditionFailedException(current is null || current.IsDeleted
                ? $"If-Match asked for version {expected} of {resourceType}/{resource.Id}, which does not exist."
                : $"If-Match asked for version {expected} of {resourceType}/{resource.Id}, but the current version is {current.Version}.");
        }

        resource.Meta ??= new Meta();
        var created = current is null || current.IsDeleted;
        var version = current is null ? 1 : current.Version + 1;
        var lastUpdated = StoreClock.Now(_time);
        var isNewId = resource.Id is null;
        resource.Id ??= NewId();
        resource.Meta.VersionId = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        resource.Meta.LastUpdated = lastUpdated;
        var json = FhirSerializer.ToJson(resource);
        var method = current is null ? "POST" : "PUT";

        await using var batch = new NpgsqlBatch(_connection, _transaction);
        long? pk = current?.Pk;
        if (current is null && isNewId)
        {
            // A server-assigned id (Guid v7) cannot be taken: the row, its version and its index rows go in one round trip.
            AddInsertResource(batch, resourceType, resource.Id, lastUpdated);
        }
        else if (current is null)
        {
            if (await TryInsertResourceAsync(resourceType, resource.Id, lastUpdated, cancellationToken) is not { } inserted)
            {
                // Another transaction created this client-chosen id and committed while we looked: we waited for
                // it, and now write on top of what it wrote, as if we had come second.
                return await PutLockedAsync(prepared, ifMatchVersion, cancellationToken);
            }

            pk = inserted;
        }
        else
        {
            AddUpdateResource(batch, current.Pk, version, lastUpdated, isDeleted: false);
            if (!current.IsDeleted)
            {
                // A deleted resource had its index rows removed at its deletion; a new one has none.
                PostgresSearchIndex.AddRemove(batch, current.Pk);
            }
        }

        AddInsertVersion(batch, pk, version, lastUpdated, method, json);
        PostgresSearchIndex.AddInserts(batch, pk, resourceType, prepared.IndexEntries);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return new WriteResult(new StoredResource(resourceType, resource.Id, version, lastUpdated, false, json, method), created);
    }

    // An update that changes nothing (a retried request, a form saved twice) adds no version: the current one
    // stands, as it would for a client that had not sent it. Compared as stored: same JSON, same meta.
    private static StoredResource? Unchanged(Resource resource, StoredResource current)
    {
        if (current.Json is null)
        {
            return null;
        }

        var meta = resource.Meta ??= new Meta();
        var (versionId, lastUpdated) = (meta.VersionId, meta.LastUpdated);
        meta.VersionId = current.VersionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        meta.LastUpdated = current.LastUpdated;
        if (string.Equals(FhirSerializer.ToJson(resource), current.Json, StringComparison.Ordinal))
        {
            return current;
        }

        (meta.VersionId, meta.LastUpdated) = (versionId, lastUpdated);
        return null;
    }

    // Version 7 GUIDs are time-ordered: new rows land at the end of the id index instead of all over it.
    private static string NewId() => Guid.CreateVersion7().ToString("N");

    /// <summary>The current row of a resource, locked until the transaction ends (writers of it queue here).</summary>
    private async Task<CurrentRow?> LockCurrentAsync(string resourceType, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT r.pk, r.is_deleted, {ResourceRow.Columns}
            FROM resource r JOIN resource_version v ON v.resource_pk = r.pk AND v.version = r.version
            WHERE r.resource_type = @type AND r.resource_id = @id
            FOR UPDATE OF r
            """, _connection, _transaction);
        command.Parameters.AddWithValue("type", resourceType);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var stored = ResourceRow.Map(reader, offset: 2);
        return new CurrentRow(reader.GetInt64(0), stored.VersionId, reader.GetInt16(1) != 0, stored);
    }

    /// <summary>The new resource row's pk, or null when a concurrent transaction created the same type and id first.</summary>
    private async Task<long?> TryInsertResourceAsync(string resourceType, string id, DateTimeOffset lastUpdated, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO resource (resource_type, resource_id, version, last_updated, is_deleted)
            VALUES (@type, @id, 1, @updated, 0)
            ON CONFLICT (resource_type, resource_id) DO NOTHING
            RETURNING pk
            """, _connection, _transaction);
        command.Parameters.AddWithValue("type", resourceType);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("updated", lastUpdated.ToUnixTimeMilliseconds());
        return await command.ExecuteScalarAsync(cancellationToken) is long pk ? pk : null;
    }

    private static void AddUpdateResource(NpgsqlBatch batch, long pk, int version, DateTimeOffset lastUpdated, bool isDeleted)
    {
        var command = new NpgsqlBatchCommand("UPDATE resource SET version = $1, last_updated = $2, is_deleted = $3 WHERE pk = $4");
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = lastUpdated.ToUnixTimeMilliseconds() });
        command.Parameters.Add(new NpgsqlParameter<short> { TypedValue = (short)(isDeleted ? 1 : 0) });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = pk });
        batch.BatchCommands.Add(command);
    }

    private static void AddInsertResource(NpgsqlBatch batch, string resourceType, string id, DateTimeOffset lastUpdated)
    {
        var command = new NpgsqlBatchCommand("INSERT INTO resource (resource_type, resource_id, version, last_updated, is_deleted) VALUES ($1, $2, 1, $3, 0)");
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = resourceType });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = id });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = lastUpdated.ToUnixTimeMilliseconds() });
        batch.BatchCommands.Add(command);
    }

    /// <summary>A version row of <paramref name="pk"/> or, when null, of the row inserted earlier in the batch.</summary>
    private static void AddInsertVersion(NpgsqlBatch batch, long? pk, int version, DateTimeOffset lastUpdated, string method, string? json)
    {
        var command = new NpgsqlBatchCommand(
            $"INSERT INTO resource_version (resource_pk, version, last_updated, method, json) VALUES ({(pk is null ? PostgresSearchIndex.InsertedPk : "$1")}, $2, $3, $4, $5)");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = pk ?? 0 });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = version });
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = lastUpdated.ToUnixTimeMilliseconds() });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = method });
        command.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)json ?? DBNull.Value });
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

    private sealed record CurrentRow(long Pk, int Version, bool IsDeleted, StoredResource Stored);
}
