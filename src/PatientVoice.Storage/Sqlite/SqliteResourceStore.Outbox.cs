using Microsoft.Data.Sqlite;
using PatientVoice.Storage.Outbox;

namespace PatientVoice.Storage.Sqlite;

/// <summary>The outbox half of the SQLite store: claims and outcomes are short write transactions taking the writer turn.</summary>
public sealed partial class SqliteResourceStore
{
    public async Task<IReadOnlyList<OutboxClaim>> ClaimDueAsync(string topic, int maxCount, TimeSpan lease, CancellationToken cancellationToken)
    {
        OutboxRows.CheckClaim(maxCount, lease);
        var now = StoreClock.Now(_time);
        var leaseUntil = now + lease;
        var token = Guid.NewGuid().ToString("N");
        return await InWriteTransactionAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"""
                UPDATE outbox SET attempts = attempts + 1, lease_until = $until, lease_token = $token || '-' || id
                WHERE id IN (
                    SELECT id FROM outbox
                    WHERE topic = $topic AND state = 0 AND due_at <= $now AND (lease_until IS NULL OR lease_until <= $now)
                    ORDER BY due_at, id LIMIT $max)
                RETURNING {OutboxRows.ClaimColumns}
                """;
            command.Parameters.AddWithValue("$until", leaseUntil.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$token", token);
            command.Parameters.AddWithValue("$topic", topic);
            command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$max", maxCount);
            return await OutboxRows.ReadClaimsAsync(command, cancellationToken);
        }, cancellationToken);
    }

    public Task<bool> CompleteAsync(OutboxClaim claim, CancellationToken cancellationToken)
        => FinishAsync(claim, "state = 1, finished_at = $now, last_error = NULL", null, null, cancellationToken);

    public Task<bool> RescheduleAsync(OutboxClaim claim, DateTimeOffset dueAt, string reason, CancellationToken cancellationToken)
        => FinishAsync(claim, "due_at = $due, last_error = $reason", dueAt, reason, cancellationToken);

    public Task<bool> FailAsync(OutboxClaim claim, string reason, CancellationToken cancellationToken)
        => FinishAsync(claim, "state = 2, finished_at = $now, last_error = $reason", null, reason, cancellationToken);

    public async Task<OutboxEntry?> FindAsync(string topic, string key, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {OutboxRows.EntryColumns} FROM outbox WHERE topic = $topic AND key = $key";
        command.Parameters.AddWithValue("$topic", topic);
        command.Parameters.AddWithValue("$key", key);
        return (await OutboxRows.ReadEntriesAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<OutboxEntry>> ListAsync(string topic, OutboxState? state, int maxCount, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {OutboxRows.EntryColumns} FROM outbox WHERE topic = $topic AND ($state IS NULL OR state = $state) ORDER BY id DESC LIMIT $max";
        command.Parameters.AddWithValue("$topic", topic);
        command.Parameters.AddWithValue("$state", state is { } s ? (int)s : DBNull.Value);
        command.Parameters.AddWithValue("$max", maxCount);
        return await OutboxRows.ReadEntriesAsync(command, cancellationToken);
    }

    // Every outcome ends the lease; it applies only while the claim's lease token is still the row's.
    private async Task<bool> FinishAsync(OutboxClaim claim, string assignments, DateTimeOffset? dueAt, string? reason, CancellationToken cancellationToken)
    {
        var now = StoreClock.Now(_time);
        return await InWriteTransactionAsync(async (connection, transaction) =>
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = $"UPDATE outbox SET {assignments}, lease_until = NULL, lease_token = NULL WHERE id = $id AND lease_token = $token AND state = 0";
            command.Parameters.AddWithValue("$id", claim.Id);
            command.Parameters.AddWithValue("$token", claim.LeaseToken);
            command.Parameters.AddWithValue("$now", now.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$due", (dueAt ?? now).ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$reason", (object?)reason ?? DBNull.Value);
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }, cancellationToken);
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
