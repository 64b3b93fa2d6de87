using System.Data.Common;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Outbox;
using PatientVoice.Storage.Search;
using PatientVoice.Storage.Search.Sql;
using Resource = Hl7.Fhir.Model.Resource;

namespace PatientVoice.Storage.Versioning;

/// <summary>
/// One write transaction over the resource tables, the same for every adapter up to its SQL: read the current row,
/// ask <see cref="VersionPolicy"/>, stamp the resource, and have the adapter write the rows the decision names; search,
/// enqueue, commit once, and on disposal roll back what was not committed. Adapters supply the row writes and the
/// hooks where their databases differ, and may wrap each operation (<see cref="RunAsync"/>).
/// </summary>
internal abstract class VersionedWriteSession<TConnection, TTransaction> : IResourceWriteSession
    where TConnection : DbConnection
    where TTransaction : DbTransaction
{
    private readonly SqlDialect _dialect;
    private readonly ISearchIndexer _indexer;
    private readonly SqlSearchExecutor _search;
    private bool _committed;
    private bool _disposed;

    protected VersionedWriteSession(TConnection connection, TTransaction transaction, SqlDialect dialect, ISearchIndexer indexer, SqlSearchExecutor search, TimeProvider time)
    {
        Connection = connection;
        Transaction = transaction;
        _dialect = dialect;
        _indexer = indexer;
        _search = search;
        Time = time;
    }

    protected TConnection Connection { get; }

    protected TTransaction Transaction { get; }

    protected TimeProvider Time { get; }

    public Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken)
        => RunAsync(async () => (await LockCurrentAsync(resourceType, id, cancellationToken))?.Stored);

    public Task<SearchResult> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
        => SearchAfterAsync(() => BeforeSearchAsync(cancellationToken), query, cancellationToken);

    public Task<SearchResult> SearchAsync(SearchQuery query, string scope, CancellationToken cancellationToken)
        => SearchAfterAsync(() => BeforeScopedSearchAsync(scope, cancellationToken), query, cancellationToken);

    public Task<SearchResult> LookUpAsync(SearchQuery query, CancellationToken cancellationToken)
        => RunAsync(() => _search.ExecuteAsync(Connection, Transaction, query, cancellationToken));

    public Task<WriteResult> PutAsync(Resource resource, int? ifMatchVersion, CancellationToken cancellationToken)
        => PutAsync(new PreparedResource(resource, _indexer.Extract(resource)), ifMatchVersion, cancellationToken);

    public Task<WriteResult> PutAsync(PreparedResource prepared, int? ifMatchVersion, CancellationToken cancellationToken)
        => RunAsync(() => PutLockedAsync(prepared, ifMatchVersion, cancellationToken));

    public Task<StoredResource?> DeleteAsync(string resourceType, string id, int? ifMatchVersion, CancellationToken cancellationToken)
        => RunAsync(async () =>
        {
            var current = await LockCurrentAsync(resourceType, id, cancellationToken);
            var next = VersionPolicy.ForDelete(resourceType, id, current?.Stored, ifMatchVersion);
            if (current is null || !next.AddsVersion)
            {
                return null;
            }

            var tombstone = next.Tombstone(StoreClock.Now(Time));
            await WriteTombstoneAsync(current.Pk, tombstone, cancellationToken);
            return (StoredResource?)tombstone;
        });

    public Task EnqueueAsync(OutboxMessage message, CancellationToken cancellationToken)
        => RunAsync(async () =>
        {
            await OutboxCommands.EnqueueAsync(Connection, Transaction, _dialect, message, StoreClock.Now(Time), cancellationToken);
            return true;
        });

    public Task<long> NextInSequenceAsync(string sequence, CancellationToken cancellationToken)
        => RunAsync(() => OutboxCommands.NextInSequenceAsync(Connection, Transaction, _dialect, sequence, cancellationToken));

    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await RunAsync(async () =>
        {
            await CommitTransactionAsync(cancellationToken);
            return true;
        });
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
                await RollbackUncommittedAsync();
            }
        }
        finally
        {
            try
            {
                await DisposeTransactionAsync();
            }
            finally
            {
                await ReleaseConnectionAsync();
                OnEnded();
            }
        }
    }

    /// <summary>
    /// Writes <paramref name="written"/> as the new current version: inserts the resource row when there is no
    /// <paramref name="current"/> (with an id the store assigned when <paramref name="idAssigned"/>), else updates it;
    /// adds the version row; replaces the index rows when <see cref="NextVersion.RemovesIndexRows"/>. Returns false,
    /// having written nothing, when another transaction created the same client-chosen id first.
    /// </summary>
    protected abstract Task<bool> WriteVersionAsync(
        CurrentResourceRow? current, bool idAssigned, NextVersion next, StoredResource written, IReadOnlyList<SearchIndexEntry> indexEntries, CancellationToken cancellationToken);

    /// <summary>Makes <paramref name="tombstone"/> the current version of row <paramref name="pk"/> and removes its index rows.</summary>
    protected abstract Task WriteTombstoneAsync(long pk, StoredResource tombstone, CancellationToken cancellationToken);

    /// <summary>Runs one operation of the session; an adapter overrides it to turn its database's conflicts into ours.</summary>
    protected virtual Task<T> RunAsync<T>(Func<Task<T>> operation) => operation();

    // A conditional interaction's search, once what must come before it (its locks) has happened.
    private Task<SearchResult> SearchAfterAsync(Func<Task> before, SearchQuery query, CancellationToken cancellationToken)
        => RunAsync(async () =>
        {
            await before();
            return await _search.ExecuteAsync(Connection, Transaction, query, cancellationToken);
        });

    /// <summary>What must happen before a conditional interaction's search inside the session (not before a look-up).</summary>
    protected virtual Task BeforeSearchAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>What must happen before a conditional search confined to <paramref name="scope"/>; by default what any conditional search needs.</summary>
    protected virtual Task BeforeScopedSearchAsync(string scope, CancellationToken cancellationToken) => BeforeSearchAsync(cancellationToken);

    /// <summary>Makes the session's writes durable; returns once they are.</summary>
    protected virtual Task CommitTransactionAsync(CancellationToken cancellationToken) => Transaction.CommitAsync(cancellationToken);

    /// <summary>Undoes an uncommitted session before its transaction is disposed.</summary>
    protected virtual Task RollbackUncommittedAsync() => Transaction.RollbackAsync();

    /// <summary>Disposes the session's transaction, unless the adapter owns it.</summary>
    protected virtual ValueTask DisposeTransactionAsync() => Transaction.DisposeAsync();

    /// <summary>Gives the connection back once the transaction is disposed: closes it unless the adapter keeps it.</summary>
    protected virtual ValueTask ReleaseConnectionAsync() => Connection.DisposeAsync();

    /// <summary>Called once, after the transaction and connection are disposed.</summary>
    protected virtual void OnEnded()
    {
    }

    private async Task<WriteResult> PutLockedAsync(PreparedResource prepared, int? ifMatchVersion, CancellationToken cancellationToken)
    {
        var resource = prepared.Resource;
        var current = resource.Id is null ? null : await LockCurrentAsync(resource.TypeName, resource.Id, cancellationToken);
        var next = VersionPolicy.ForPut(resource, current?.Stored, ifMatchVersion, prepared.Json);
        if (next.Unchanged is { } unchanged)
        {
            return unchanged;
        }

        var idAssigned = resource.Id is null;
        var written = next.Stamp(resource, StoreClock.Now(Time), prepared.Json);
        if (!await WriteVersionAsync(current, idAssigned, next, written, prepared.IndexEntries, cancellationToken))
        {
            // Another transaction created this client-chosen id and committed while we looked: we waited for it,
            // and now decide again on top of what it wrote, as if we had come second.
            return await PutLockedAsync(prepared, ifMatchVersion, cancellationToken);
        }

        return next.Result(written);
    }

    private Task<CurrentResourceRow?> LockCurrentAsync(string resourceType, string id, CancellationToken cancellationToken)
        => SqlResourceReader.LockCurrentAsync(Connection, Transaction, _dialect, resourceType, id, cancellationToken);
}
