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
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"""
            UPDATE outbox SET attempts = attempts + 1, lease_until = @until, lease_token = @token || '-' || id
            WHERE id IN (
                SELECT id FROM outbox
                WHERE topic = @topic AND state = 0 AND due_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
                ORDER BY due_at, id LIMIT @max
                FOR UPDATE SKIP LOCKED)
            RETURNING {OutboxRows.ClaimColumns}
            """, connection);
        command.Parameters.AddWithValue("until", (now + lease).ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("token", Guid.NewGuid().ToString("N"));
        command.Parameters.AddWithValue("topic", topic);
        command.Parameters.AddWithValue("now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("max", maxCount);
        return await OutboxRows.ReadClaimsAsync(command, cancellationToken);
    }

    public Task<bool> CompleteAsync(OutboxClaim claim, CancellationToken cancellationToken)
        => FinishAsync(claim, "state = 1, finished_at = @now, last_error = NULL", null, null, cancellationToken);

    public Task<bool> RescheduleAsync(OutboxClaim claim, DateTimeOffset dueAt, string reason, CancellationToken cancellationToken)
        => FinishAsync(claim, "due_at = @due, last_error = @reason", dueAt, reason, cancellationToken);

    public Task<bool> FailAsync(OutboxClaim claim, string reason, CancellationToken cancellationToken)
        => FinishAsync(claim, "state = 2, finished_at = @now, last_error = @reason", null, reason, cancellationToken);

    public async Task<OutboxEntry?> FindAsync(string topic, string key, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand($"SELECT {OutboxRows.EntryColumns} FROM outbox WHERE topic = @topic AND key = @key", connection);
        command.Parameters.AddWithValue("topic", topic);
        command.Parameters.AddWithValue("key", key);
        return (await OutboxRows.ReadEntriesAsync(command, cancellationToken)).FirstOrDefault();
    }

    public async Task<IReadOnlyList<OutboxEntry>> ListAsync(string topic, OutboxState? state, int maxCount, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"SELECT {OutboxRows.EntryColumns} FROM outbox WHERE topic = @topic{(state is null ? "" : " AND state = @state")} ORDER BY id DESC LIMIT @max", connection);
        command.Parameters.AddWithValue("topic", topic);
        if (state is { } s)
        {
            command.Parameters.AddWithValue("state", (int)s);
        }

        command.Parameters.AddWithValue("max", maxCount);
        return await OutboxRows.ReadEntriesAsync(command, cancellationToken);
    }

    // Every outcome ends the lease; it applies only while the claim's lease token is still the row's.
    private async Task<bool> FinishAsync(OutboxClaim claim, string assignments, DateTimeOffset? dueAt, string? reason, CancellationToken cancellationToken)
    {
        var now = StoreClock.Now(_time);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(
            $"UPDATE outbox SET {assignments}, lease_until = NULL, lease_token = NULL WHERE id = @id AND lease_token = @token AND state = 0", connection);
        command.Parameters.AddWithValue("id", claim.Id);
        command.Parameters.AddWithValue("token", claim.LeaseToken);
        command.Parameters.AddWithValue("now", now.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("due", (dueAt ?? now).ToUnixTimeMilliseconds());
        command.Parameters.Add(new NpgsqlParameter("reason", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)reason ?? DBNull.Value });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
