using System.Data.Common;
using PatientVoice.Storage.Search.Sql;

namespace PatientVoice.Storage.Outbox;

/// <summary>
/// The outbox statements both adapters run, over ADO.NET's common classes. The adapters decide the transaction
/// around them (SQLite: the writer turn; PostgreSQL: row locks); the <see cref="SqlDialect"/> names the parameters
/// and says how a claim skips the rows another claim holds.
/// </summary>
internal static class OutboxCommands
{
    /// <summary>Adds a message unless its topic and key are already there.</summary>
    public static async Task EnqueueAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, OutboxMessage message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameterList(dialect);
        var at = parameters.Add(now.ToUnixTimeMilliseconds());
        await using var command = parameters.CreateCommand(connection, transaction, $"""
            INSERT INTO outbox (topic, key, payload, state, attempts, enqueued_at, due_at, scheduled_at)
            VALUES ({parameters.Add(message.Topic)}, {parameters.Add(message.Key)}, {parameters.Add(message.Payload)}, 0, 0, {at}, {at}, {at})
            ON CONFLICT (topic, key) DO NOTHING
            """);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Leases up to <paramref name="maxCount"/> due messages of <paramref name="topic"/> until <paramref name="leaseUntil"/>.
    /// Due: its due time has come, or it was scheduled at a time still ahead of <paramref name="now"/> (the scheduling
    /// clock was ahead of this one, or this one stepped back): a wait measured on a clock that has since moved back
    /// would otherwise last as long as the jump. Such a message goes early, which at-least-once delivery allows.
    /// Leases are left to run out by this clock (taking one early would put two workers on one message).
    /// </summary>
    public static async Task<IReadOnlyList<OutboxClaim>> ClaimAsync(
        DbConnection connection, DbTransaction? transaction, SqlDialect dialect, string topic, int maxCount, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameterList(dialect);
        var at = parameters.Add(now.ToUnixTimeMilliseconds());
        await using var command = parameters.CreateCommand(connection, transaction, $"""
            UPDATE outbox SET attempts = attempts + 1, lease_until = {parameters.Add(leaseUntil.ToUnixTimeMilliseconds())}, lease_token = {parameters.Add(Guid.NewGuid().ToString("N"))} || '-' || id
            WHERE id IN (
                SELECT id FROM outbox
                WHERE topic = {parameters.Add(topic)} AND state = 0 AND (due_at <= {at} OR COALESCE(scheduled_at, enqueued_at) > {at})
                  AND (lease_until IS NULL OR lease_until <= {at})
                ORDER BY due_at, id {SqlDialect.Limit(maxCount)}
                {dialect.LockRowsSkippingLocked})
            RETURNING {OutboxRows.ClaimColumns}
            """);
        return await OutboxRows.ReadClaimsAsync(command, cancellationToken);
    }

    /// <summary>Adds one to a counter (created at 1) and returns the new value; the row lock orders concurrent writers.</summary>
    public static async Task<long> NextInSequenceAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, string sequence, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameterList(dialect);
        await using var command = parameters.CreateCommand(connection, transaction, $"""
            INSERT INTO outbox_sequence (name, value) VALUES ({parameters.Add(sequence)}, 1)
            ON CONFLICT (name) DO UPDATE SET value = outbox_sequence.value + 1
            RETURNING value
            """);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public static async Task<long> ReadSequenceAsync(DbConnection connection, SqlDialect dialect, string sequence, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameterList(dialect);
        await using var command = parameters.CreateCommand(connection, null, $"SELECT value FROM outbox_sequence WHERE name = {parameters.Add(sequence)}");
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public static Task<bool> ReleaseAsync(DbConnection connection, DbTransaction? transaction, SqlDialect dialect, OutboxClaim claim, DateTimeOffset now, DateTimeOffset dueAt, CancellationToken cancellationToken)
        => FinishAsync(connection, transaction, dialect, claim, p => $"due_at = {p.Add(dueAt.ToUnixTimeMilliseconds())}, scheduled_at = {p.Add(now.ToUnixTimeMilliseconds())}, attempts = attempts - 1", cancellationToken);

    public static Task<bool> CompleteAsync(DbConnection connection, DbTransaction? transaction, SqlDialect dialect, OutboxClaim claim, DateTimeOffset now, CancellationToken cancellationToken)
        => FinishAsync(connection, transaction, dialect, claim, p => $"state = 1, finished_at = {p.Add(now.ToUnixTimeMilliseconds())}, last_error = NULL", cancellationToken);

    public static Task<bool> RescheduleAsync(DbConnection connection, DbTransaction? transaction, SqlDialect dialect, OutboxClaim claim, DateTimeOffset now, DateTimeOffset dueAt, string reason, CancellationToken cancellationToken)
        => FinishAsync(connection, transaction, dialect, claim, p => $"due_at = {p.Add(dueAt.ToUnixTimeMilliseconds())}, scheduled_at = {p.Add(now.ToUnixTimeMilliseconds())}, last_error = {p.Add(reason)}", cancellationToken);

    public static Task<bool> FailAsync(DbConnection connection, DbTransaction? transaction, SqlDialect dialect, OutboxClaim claim, DateTimeOffset now, string reason, CancellationToken cancellationToken)
        => FinishAsync(connection, transaction, dialect, claim, p => $"state = 2, finished_at = {p.Add(now.ToUnixTimeMilliseconds())}, last_error = {p.Add(reason)}", cancellationToken);

    public static Task<bool> RenewAsync(DbConnection connection, DbTransaction? transaction, SqlDialect dialect, OutboxClaim claim, DateTimeOffset leaseUntil, string note, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameterList(dialect);
        var command = parameters.CreateCommand(connection, transaction, $"""
            UPDATE outbox SET lease_until = {parameters.Add(leaseUntil.ToUnixTimeMilliseconds())}, last_error = {parameters.Add(note)}
            WHERE id = {parameters.Add(claim.Id)} AND lease_token = {parameters.Add(claim.LeaseToken)} AND state = 0
            """);
        return ExecuteOneAsync(command, cancellationToken);
    }

    public static Task<bool> CancelAsync(DbConnection connection, DbTransaction? transaction, SqlDialect dialect, string topic, string key, DateTimeOffset now, string reason, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameterList(dialect);
        var command = parameters.CreateCommand(connection, transaction, $"""
            UPDATE outbox SET state = 2, finished_at = {parameters.Add(now.ToUnixTimeMilliseconds())}, last_error = {parameters.Add(reason)}, lease_until = NULL, lease_token = NULL
            WHERE topic = {parameters.Add(topic)} AND key = {parameters.Add(key)} AND state = 0
            """);
        return ExecuteOneAsync(command, cancellationToken);
    }

    public static async Task<OutboxEntry?> FindAsync(DbConnection connection, SqlDialect dialect, string topic, string key, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameterList(dialect);
        await using var command = parameters.CreateCommand(connection, null,
            $"SELECT {OutboxRows.EntryColumns} FROM outbox WHERE topic = {parameters.Add(topic)} AND key = {parameters.Add(key)}");
        return (await OutboxRows.ReadEntriesAsync(command, cancellationToken)).FirstOrDefault();
    }

    public static async Task<IReadOnlyList<OutboxEntry>> ListAsync(DbConnection connection, SqlDialect dialect, string topic, OutboxState? state, int maxCount, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameterList(dialect);
        // The state filter is left out rather than bound to NULL: PostgreSQL cannot type a NULL it only compares.
        var inState = state is { } s ? $" AND state = {parameters.Add((int)s)}" : "";
        await using var command = parameters.CreateCommand(connection, null,
            $"SELECT {OutboxRows.EntryColumns} FROM outbox WHERE topic = {parameters.Add(topic)}{inState} ORDER BY id DESC {SqlDialect.Limit(maxCount)}");
        return await OutboxRows.ReadEntriesAsync(command, cancellationToken);
    }

    private static async Task<bool> ExecuteOneAsync(DbCommand command, CancellationToken cancellationToken)
    {
        await using (command)
        {
            return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        }
    }

    // Every outcome ends the lease; it applies only while the claim's lease token is still the row's. Only the
    // parameters the assignments name are bound: PostgreSQL refuses a parameter it cannot type from the statement.
    private static async Task<bool> FinishAsync(
        DbConnection connection, DbTransaction? transaction, SqlDialect dialect, OutboxClaim claim, Func<SqlParameterList, string> assignments, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameterList(dialect);
        var set = assignments(parameters);
        await using var command = parameters.CreateCommand(connection, transaction,
            $"UPDATE outbox SET {set}, lease_until = NULL, lease_token = NULL WHERE id = {parameters.Add(claim.Id)} AND lease_token = {parameters.Add(claim.LeaseToken)} AND state = 0");
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}
