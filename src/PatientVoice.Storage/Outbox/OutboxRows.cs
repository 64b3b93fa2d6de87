using System.Data.Common;

namespace PatientVoice.Storage.Outbox;

/// <summary>The outbox table's rows as both adapters select them: the columns, and the rows read into claims and entries.</summary>
internal static class OutboxRows
{
    /// <summary>The columns <see cref="ReadEntriesAsync"/> reads.</summary>
    public const string EntryColumns = "id, topic, key, payload, state, attempts, enqueued_at, due_at, finished_at, last_error";

    /// <summary>The columns a claim's <c>RETURNING</c> gives <see cref="ReadClaimsAsync"/>.</summary>
    public const string ClaimColumns = "id, topic, key, payload, attempts, enqueued_at, lease_until, lease_token";

    public static void CheckClaim(int maxCount, TimeSpan lease)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
    }

    /// <summary>The claims a claiming statement returned, oldest message first.</summary>
    public static async Task<IReadOnlyList<OutboxClaim>> ReadClaimsAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var claims = new List<OutboxClaim>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            claims.Add(new OutboxClaim(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4),
                StoreClock.FromUnixMilliseconds(reader.GetInt64(5)), StoreClock.FromUnixMilliseconds(reader.GetInt64(6)), reader.GetString(7)));
        }

        return claims.OrderBy(c => c.Id).ToList();
    }

    public static async Task<IReadOnlyList<OutboxEntry>> ReadEntriesAsync(DbCommand command, CancellationToken cancellationToken)
    {
        var entries = new List<OutboxEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new OutboxEntry(
                reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), (OutboxState)reader.GetInt32(4), reader.GetInt32(5),
                StoreClock.FromUnixMilliseconds(reader.GetInt64(6)), StoreClock.FromUnixMilliseconds(reader.GetInt64(7)),
                reader.IsDBNull(8) ? null : StoreClock.FromUnixMilliseconds(reader.GetInt64(8)), reader.IsDBNull(9) ? null : reader.GetString(9)));
        }

        return entries;
    }
}
