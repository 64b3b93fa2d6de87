using Microsoft.Data.Sqlite;
using PatientVoice.Storage.Outbox;
using PatientVoice.Storage.Search.Sql;

namespace PatientVoice.Storage.Sqlite;

/// <summary>The outbox half of the SQLite store: claims and outcomes are short write transactions taking the writer turn.</summary>
public sealed partial class SqliteResourceStore
{
    public async Task<IReadOnlyList<OutboxClaim>> ClaimDueAsync(string topic, int maxCount, TimeSpan lease, CancellationToken cancellationToken)
    {
        OutboxRows.CheckClaim(maxCount, lease);
        var now = StoreClock.Now(_time);
        return await InWriteTransactionAsync(
            (connection, transaction) => OutboxCommands.ClaimAsync(connection, transaction, SqliteDialect.Instance, topic, maxCount, now, now + lease, cancellationToken),
            cancellationToken);
    }

    public Task<bool> CompleteAsync(OutboxClaim claim, CancellationToken cancellationToken)
    {
        var now = StoreClock.Now(_time);
        return InWriteTransactionAsync(
            (connection, transaction) => OutboxCommands.CompleteAsync(connection, transaction, SqliteDialect.Instance, claim, now, cancellationToken),
            cancellationToken);
    }

    public Task<bool> RescheduleAsync(OutboxClaim claim, DateTimeOffset dueAt, string reason, CancellationToken cancellationToken)
        => InWriteTransactionAsync(
            (connection, transaction) => OutboxCommands.RescheduleAsync(connection, transaction, SqliteDialect.Instance, claim, dueAt, reason, cancellationToken),
            cancellationToken);

    public Task<bool> FailAsync(OutboxClaim claim, string reason, CancellationToken cancellationToken)
    {
        var now = StoreClock.Now(_time);
        return InWriteTransactionAsync(
            (connection, transaction) => OutboxCommands.FailAsync(connection, transaction, SqliteDialect.Instance, claim, now, reason, cancellationToken),
            cancellationToken);
    }

    public async Task<OutboxEntry?> FindAsync(string topic, string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await OutboxCommands.FindAsync(connection, SqliteDialect.Instance, topic, key, cancellationToken);
    }

    public async Task<IReadOnlyList<OutboxEntry>> ListAsync(string topic, OutboxState? state, int maxCount, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await OutboxCommands.ListAsync(connection, SqliteDialect.Instance, topic, state, maxCount, cancellationToken);
    }

    private async Task<T> InWriteTransactionAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = connection.BeginTransaction(deferred: false);
            var result = await work(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
