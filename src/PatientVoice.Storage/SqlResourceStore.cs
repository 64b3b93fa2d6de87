using System.Data.Common;
using PatientVoice.Storage.Faults;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Outbox;
using PatientVoice.Storage.Search;
using PatientVoice.Storage.Search.Sql;

namespace PatientVoice.Storage;

/// <summary>
/// What the SQL adapters share above their connections: reads, history, search and the outbox run the same statements
/// in both (only the <see cref="SqlDialect"/> differs). An adapter says how it opens a connection, how an outbox change
/// is transacted, how a write session begins and how its schema is created. Only this assembly's adapters derive from it.
/// </summary>
public abstract class SqlResourceStore : IResourceStore, IOutbox, IStoreProbe
{
    private readonly SqlDialect _dialect;

    private protected SqlResourceStore(SqlDialect dialect, ISearchIndexer indexer, TimeProvider time)
    {
        _dialect = dialect;
        Indexer = indexer;
        Search = new SqlSearchExecutor(dialect);
        Time = time;
    }

    private protected ISearchIndexer Indexer { get; }

    private protected SqlSearchExecutor Search { get; }

    private protected TimeProvider Time { get; }

    public abstract Task InitializeAsync(CancellationToken cancellationToken);

    public abstract Task<IResourceWriteSession> BeginWriteAsync(CancellationToken cancellationToken);

    public virtual Task<IResourceWriteSession> BeginBackgroundWriteAsync(CancellationToken cancellationToken) => BeginWriteAsync(cancellationToken);

    public async Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        return await SqlResourceReader.ReadCurrentAsync(connection, _dialect, resourceType, id, cancellationToken);
    }

    public async Task<StoredResource?> ReadVersionAsync(string resourceType, string id, int versionId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        return await SqlResourceReader.ReadVersionAsync(connection, _dialect, resourceType, id, versionId, cancellationToken);
    }

    public async Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        return await SqlHistoryReader.ReadAsync(connection, _dialect, query, cancellationToken);
    }

    public async Task<SearchResult> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        return await Search.ExecuteAsync(connection, null, query, cancellationToken);
    }

    public async Task ProbeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT 1";
        await command.ExecuteScalarAsync(cancellationToken);
    }

    public PreparedResource Prepare(Hl7.Fhir.Model.Resource resource) => new(resource, Indexer.Extract(resource), Versioning.StoredJsonTemplate.Of(resource));

    public async Task<IReadOnlyList<OutboxClaim>> ClaimDueAsync(string topic, int maxCount, TimeSpan lease, CancellationToken cancellationToken)
    {
        OutboxRows.CheckClaim(maxCount, lease);
        var now = StoreClock.Now(Time);
        return await RunOutboxChangeAsync(
            (connection, transaction) => OutboxCommands.ClaimAsync(connection, transaction, _dialect, topic, maxCount, now, now + lease, cancellationToken),
            cancellationToken);
    }

    public Task<bool> CompleteAsync(OutboxClaim claim, CancellationToken cancellationToken)
    {
        var now = StoreClock.Now(Time);
        return RunOutboxChangeAsync(
            (connection, transaction) => OutboxCommands.CompleteAsync(connection, transaction, _dialect, claim, now, cancellationToken),
            cancellationToken);
    }

    public Task<bool> RescheduleAsync(OutboxClaim claim, DateTimeOffset dueAt, string reason, CancellationToken cancellationToken)
    {
        var now = StoreClock.Now(Time);
        return RunOutboxChangeAsync(
            (connection, transaction) => OutboxCommands.RescheduleAsync(connection, transaction, _dialect, claim, now, dueAt, reason, cancellationToken),
            cancellationToken);
    }

    public Task<bool> FailAsync(OutboxClaim claim, string reason, CancellationToken cancellationToken)
    {
        var now = StoreClock.Now(Time);
        return RunOutboxChangeAsync(
            (connection, transaction) => OutboxCommands.FailAsync(connection, transaction, _dialect, claim, now, reason, cancellationToken),
            cancellationToken);
    }

    public Task<bool> RenewAsync(OutboxClaim claim, TimeSpan lease, string note, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var until = StoreClock.Now(Time) + lease;
        return RunOutboxChangeAsync(
            (connection, transaction) => OutboxCommands.RenewAsync(connection, transaction, _dialect, claim, until, note, cancellationToken),
            cancellationToken);
    }

    public Task<bool> CancelAsync(string topic, string key, string reason, CancellationToken cancellationToken)
    {
        var now = StoreClock.Now(Time);
        return RunOutboxChangeAsync(
            (connection, transaction) => OutboxCommands.CancelAsync(connection, transaction, _dialect, topic, key, now, reason, cancellationToken),
            cancellationToken);
    }

    public Task<bool> ReleaseAsync(OutboxClaim claim, DateTimeOffset dueAt, CancellationToken cancellationToken)
    {
        var now = StoreClock.Now(Time);
        return RunOutboxChangeAsync(
            (connection, transaction) => OutboxCommands.ReleaseAsync(connection, transaction, _dialect, claim, now, dueAt, cancellationToken),
            cancellationToken);
    }

    public async Task<long> ReadSequenceAsync(string sequence, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        return await OutboxCommands.ReadSequenceAsync(connection, _dialect, sequence, cancellationToken);
    }

    public async Task<OutboxEntry?> FindAsync(string topic, string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        return await OutboxCommands.FindAsync(connection, _dialect, topic, key, cancellationToken);
    }

    public async Task<IReadOnlyList<OutboxEntry>> ListAsync(string topic, OutboxState? state, int maxCount, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReadConnectionAsync(cancellationToken);
        return await OutboxCommands.ListAsync(connection, _dialect, topic, state, maxCount, cancellationToken);
    }

    /// <summary>An open connection for reads outside any write session; the caller disposes it.</summary>
    private protected abstract Task<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken);

    /// <summary>Runs one outbox claim or outcome (a single statement) and commits it, in the adapter's way of writing.</summary>
    private protected abstract Task<T> RunOutboxChangeAsync<T>(Func<DbConnection, DbTransaction?, Task<T>> change, CancellationToken cancellationToken);
}
