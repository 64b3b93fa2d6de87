using Meta = Hl7.Fhir.Model.Meta;
using Microsoft.Data.Sqlite;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Search;
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

    public Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken)
        => SqliteResourceReader.ReadCurrentAsync(_connection, _transaction, resourceType, id, cancellationToken);

    public Task<SearchResult> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
        => _search.ExecuteAsync(_connection, _transaction, query, cancellationToken);

    public Task<WriteResult> PutAsync(Resource resource, int? ifMatchVersion, CancellationToken cancellationToken)
        => PutAsync(new PreparedResource(resource, _indexer.Extract(resource)), ifMatchVersion, cancellationToken);

    public async Task<WriteResult> PutAsync(PreparedResource prepared, int? ifMatchVersion, CancellationToken cancellationToken)
    {
        var resource = prepared.Resource;
        var resourceType = resource.TypeName;
        var current = resource.Id is null ? null : await FindAsync(resourceType, resource.Id, cancellationToken);
        // Identical content first: a retried update whose first attempt landed succeeds again, whatever its If-Match.
        if (current is { IsDeleted: false } live && await UnchangedAsync(resource, live.Version, cancellationToken) is { } same)
        {
            return new WriteResult(same, Created: false, Unchanged: true);
        }

        if (ifMatchVersion is { } expected && (current is null || current.Value.Version != expected || current.Value.IsDeleted))
        {
            throw new PreconditionFailedException(current is null || current.Value.IsDeleted
                ? $"If-Match asked for version {expected} of {resourceType}/{resource.Id}, which does not exist."
                : $"If-Match asked for version {expected} of {resourceType}/{resource.Id}, but the current version is {current.Value.Version}.");
        }

        resource.Meta ??= new Meta();

        var created = current is null || current.Value.IsDeleted;
        var version = current is null ? 1 : current.Value.Version + 1;
        var lastUpdated = StoreClock.Now(_time);
        resource.Id ??= NewId();
        resource.Meta.VersionId = version.ToString(System.Globalization.CultureInfo.InvariantCulture);
        resource.Meta.LastUpdated = lastUpdated;
        var json = FhirSerializer.ToJson(resource);
        var method = current is null ? "POST" : "PUT";

        long pk;
        if (current is null)
        {
            pk = await InsertResourceAsync(resourceType, resource.Id, lastUpdated, cancellationToken);
        }
        else
        {
            pk = current.Value.Pk;
            await UpdateResourceAsync(pk, version, lastUpdated, isDeleted: false, cancellationToken);
        }

        await InsertVersionAsync(pk, version, lastUpdated, method, json, cancellationToken);
        // A new row has no index rows to replace; a deleted one had them removed at its deletion.
        await SqliteSearchIndex.ReplaceAsync(_connection, _transaction, pk, resourceType, prepared.IndexEntries, replacing: !created, cancellationToken);
        return new WriteResult(new StoredResource(resourceType, resource.Id, version, lastUpdated, false, json, method), created);
    }

    public async Task<StoredResource?> DeleteAsync(string resourceType, string id, int? ifMatchVersion, CancellationToken cancellationToken)
    {
        var current = await FindAsync(resourceType, id, cancellationToken);
        if (ifMatchVersion is { } expected && (current is null || current.Value.Version != expected))
        {
            throw new PreconditionFailedException(current is null
                ? $"If-Match asked for version {expected} of {resourceType}/{id}, which does not exist."
                : $"If-Match asked for version {expected} of {resourceType}/{id}, but the current version is {current.Value.Version}.");
        }

        if (current is null || current.Value.IsDeleted)
        {
            return null;
        }

        var version = current.Value.Version + 1;
        var lastUpdated = StoreClock.Now(_time);
        await UpdateResourceAsync(current.Value.Pk, version, lastUpdated, isDeleted: true, cancellationToken);
        await InsertVersionAsync(current.Value.Pk, version, lastUpdated, "DELETE", null, cancellationToken);
        await SqliteSearchIndex.RemoveAsync(_connection, _transaction, current.Value.Pk, cancellationToken);
        return new StoredResource(resourceType, id, version, lastUpdated, true, null, "DELETE");
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

    // An update that changes nothing (a retried request, a form saved twice) adds no version: the current one
    // stands, as it would for a client that had not sent it. Compared as stored: same JSON, same meta.
    private async Task<StoredResource?> UnchangedAsync(Resource resource, int currentVersion, CancellationToken cancellationToken)
    {
        var current = await SqliteResourceReader.ReadCurrentAsync(_connection, _transaction, resource.TypeName, resource.Id!, cancellationToken);
        if (current?.Json is null || current.VersionId != currentVersion)
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

    private async Task<(long Pk, int Version, bool IsDeleted)?> FindAsync(string resourceType, string id, CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = "SELECT pk, version, is_deleted FROM resource WHERE resource_type = $type AND resource_id = $id";
        command.Parameters.AddWithValue("$type", resourceType);
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? (reader.GetInt64(0), reader.GetInt32(1), reader.GetInt64(2) != 0)
            : null;
    }

    private async Task<long> InsertResourceAsync(string resourceType, string id, DateTimeOffset lastUpdated, CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = """
            INSERT INTO resource (resource_type, resource_id, version, last_updated, is_deleted)
            VALUES ($type, $id, 1, $updated, 0) RETURNING pk
            """;
        command.Parameters.AddWithValue("$type", resourceType);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$updated", lastUpdated.ToUnixTimeMilliseconds());
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task UpdateResourceAsync(long pk, int version, DateTimeOffset lastUpdated, bool isDeleted, CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = "UPDATE resource SET version = $version, last_updated = $updated, is_deleted = $deleted WHERE pk = $pk";
        command.Parameters.AddWithValue("$version", version);
        command.Parameters.AddWithValue("$updated", lastUpdated.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$deleted", isDeleted ? 1 : 0);
        command.Parameters.AddWithValue("$pk", pk);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task InsertVersionAsync(long pk, int version, DateTimeOffset lastUpdated, string method, string? json, CancellationToken cancellationToken)
    {
        await using var command = _connection.CreateCommand();
        command.Transaction = _transaction;
        command.CommandText = """
            INSERT INTO resource_version (resource_pk, version, last_updated, method, json)
            VALUES ($pk, $version, $updated, $method, $json)
            """;
        command.Parameters.AddWithValue("$pk", pk);
        command.Parameters.AddWithValue("$version", version);
        command.Parameters.AddWithValue("$updated", lastUpdated.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$method", method);
        command.Parameters.AddWithValue("$json", (object?)json ?? DBNull.Value);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
