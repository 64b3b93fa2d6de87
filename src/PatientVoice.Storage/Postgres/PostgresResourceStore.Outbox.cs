using Npgsql;
using PatientVoice.Storage.Outbox;

namespace PatientVoice.Storage.Postgres;

/// <summary>
/// The outbox half of the PostgreSQL store. Workers of several instances claim at once: a claim locks the due rows
/// it takes and skips those another claim holds (<c>FOR UPDATE SKIP LOCKED</c>), so no message is handed to two
/// workers; outcomes apply only while the claim's lease token is still the row's.
/// </summary>
public sealed partial class PostgresResourceStore
{
    public async Task<IReadOnlyList<OutboxClaim>> ClaimDueAsync(string topic, int maxCount, TimeSpan lease, CancellationToken cancellationToken)
    {
        OutboxRows.CheckClaim(maxCount, lease);
        var now = StoreClock.Now(_time);
        return await OnConnectionAsync(
            connection => OutboxCommands.ClaimAsync(connection, null, PostgresDialect.Instance, topic, maxCount, now, now + lease, cancellationToken),
            cancellationToken);
    }

    public Task<bool> CompleteAsync(OutboxClaim claim, CancellationToken cancellationToken)
    {
        var now = StoreClock.Now(_time);
        return OnConnectionAsync(
            connection => OutboxCommands.CompleteAsync(connection, null, PostgresDialect.Instance, claim, now, cancellationToken),
            cancellationToken);
    }

    public Task<bool> RescheduleAsync(OutboxClaim claim, DateTimeOffset dueAt, string reason, CancellationToken cancellationToken)
        => OnConnectionAsync(
            connection => OutboxCommands.RescheduleAsync(connection, null, PostgresDialect.Instance, claim, dueAt, reason, cancellationToken),
            cancellationToken);

    public Task<bool> FailAsync(OutboxClaim claim, string reason, CancellationToken cancellationToken)
    {
        var now = StoreClock.Now(_time);
        return OnConnectionAsync(
            connection => OutboxCommands.FailAsync(connection, null, PostgresDialect.Instance, claim, now, reason, cancellationToken),
            cancellationToken);
    }

    public Task<OutboxEntry?> FindAsync(string topic, string key, CancellationToken cancellationToken)
        => OnConnectionAsync(connection => OutboxCommands.FindAsync(connection, PostgresDialect.Instance, topic, key, cancellationToken), cancellationToken);

    public Task<IReadOnlyList<OutboxEntry>> ListAsync(string topic, OutboxState? state, int maxCount, CancellationToken cancellationToken)
        => OnConnectionAsync(connection => OutboxCommands.ListAsync(connection, PostgresDialect.Instance, topic, state, maxCount, cancellationToken), cancellationToken);

    // Each statement is its own transaction: a claim's row locks last only as long as the claiming UPDATE.
    private async Task<T> OnConnectionAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await work(connection);
    }
}
