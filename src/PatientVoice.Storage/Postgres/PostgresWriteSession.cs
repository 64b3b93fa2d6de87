using Npgsql;
using PatientVoice.Fhir.Errors;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Search.Sql;
using PatientVoice.Storage.Versioning;

namespace PatientVoice.Storage.Postgres;

/// <summary>
/// One READ COMMITTED transaction. Every resource it reads or writes is row-locked (<c>FOR UPDATE</c>), and its
/// first search takes the store-wide conditional lock, so conditional interactions of all instances decide and
/// write one at a time (docs/adr/0016-postgresql-store.md). Disposing without committing rolls back.
/// </summary>
internal sealed class PostgresWriteSession(NpgsqlConnection connection, NpgsqlTransaction transaction, ISearchIndexer indexer, SqlSearchExecutor search, TimeProvider time)
    : VersionedWriteSession<NpgsqlConnection, NpgsqlTransaction>(connection, transaction, PostgresDialect.Instance, indexer, search, time)
{
    /// <summary>Transaction-scoped advisory lock serialising the sessions that search (conditional interactions).</summary>
    internal const long ConditionalLockKey = 0x5056_0002; // "PV" 2

    /// <summary>
    /// The class of the transaction-scoped advisory locks keyed by a conditional scope (two-key form, a key space apart
    /// from the one-key locks above): <c>pg_advisory_xact_lock(ScopeLockClass, hashtext(scope))</c>.
    /// </summary>
    internal const int ScopeLockClass = 0x5056_0003; // "PV" 3

    private bool _holdsConditionalLock;
    private bool _sharesConditionalLock;
    private readonly HashSet<string> _scopes = new(StringComparer.Ordinal);

    protected override async Task<bool> WriteVersionAsync(
        CurrentResourceRow? current, bool idAssigned, NextVersion next, StoredResource written, IReadOnlyList<SearchIndexEntry> indexEntries, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(Connection, Transaction);
        long? pk = current?.Pk;
        if (current is null && idAssigned)
        {
            // A server-assigned id (Guid v7) cannot be taken: the row, its version and its index rows go in one round trip.
            AddInsertResource(batch, written);
        }
        else if (current is null)
        {
            if (await TryInsertResourceAsync(written, cancellationToken) is not { } inserted)
            {
                return false;
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
        PostgresSearchIndex.AddInserts(batch, pk, written.ResourceType, indexEntries);
        await batch.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    protected override async Task WriteTombstoneAsync(long pk, StoredResource tombstone, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(Connection, Transaction);
        AddUpdateResource(batch, pk, tombstone);
        AddInsertVersion(batch, pk, tombstone);
        PostgresSearchIndex.AddRemove(batch, pk);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    protected override async Task BeforeSearchAsync(CancellationToken cancellationToken)
    {
        if (!_holdsConditionalLock)
        {
            await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", Connection);
            command.Parameters.AddWithValue("key", ConditionalLockKey);
            await command.ExecuteNonQueryAsync(cancellationToken);
            _holdsConditionalLock = true;
        }
    }

    /// <summary>
    /// A conditional search confined to <paramref name="scope"/> (a submission's extracted entries): the store-wide lock in
    /// shared mode, so such searches of different scopes run side by side while every other conditional interaction (the
    /// lock in exclusive mode) still waits for them and they for it, plus a lock of the scope itself, so two sessions of the
    /// same scope (the same response sent twice at once) decide one after the other. Holding the lock exclusively covers all.
    /// A session that takes the shared lock and then needs the exclusive one waits for the other sharers; two such sessions
    /// are a deadlock PostgreSQL breaks, and the one rolled back gets a 409 (<see cref="RunAsync{T}"/>).
    /// </summary>
    protected override async Task BeforeScopedSearchAsync(string scope, CancellationToken cancellationToken)
    {
        if (_holdsConditionalLock || _scopes.Contains(scope))
        {
            return;
        }

        await using var command = new NpgsqlCommand(
            _sharesConditionalLock ? "SELECT pg_advisory_xact_lock(@class, hashtext(@scope))" : "SELECT pg_advisory_xact_lock_shared(@key), pg_advisory_xact_lock(@class, hashtext(@scope))",
            Connection);
        command.Parameters.AddWithValue("key", ConditionalLockKey);
        command.Parameters.AddWithValue("class", ScopeLockClass);
        command.Parameters.AddWithValue("scope", scope);
        await command.ExecuteNonQueryAsync(cancellationToken);
        _sharesConditionalLock = true;
        _scopes.Add(scope);
    }

    // Disposing an uncommitted Npgsql transaction rolls it back (also after a failed statement).
    protected override Task RollbackUncommittedAsync() => Task.CompletedTask;

    /// <summary>
    /// A deadlock or serialization failure between instances rolls this transaction back: the caller gets a 409
    /// (OperationOutcome) and may retry; nothing of it was stored.
    /// </summary>
    protected override async Task<T> RunAsync<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.LockNotAvailable)
        {
            throw new ResourceConflictException("The write met a concurrent transaction on the same resources and was rolled back; nothing was stored. Retry it.");
        }
    }

    /// <summary>The new resource row's pk, or null when a concurrent transaction created the same type and id first.</summary>
    private async Task<long?> TryInsertResourceAsync(StoredResource first, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO resource (resource_type, resource_id, version, last_updated, is_deleted)
            VALUES (@type, @id, 1, @updated, 0)
            ON CONFLICT (resource_type, resource_id) DO NOTHING
            RETURNING pk
            """, Connection, Transaction);
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
}
