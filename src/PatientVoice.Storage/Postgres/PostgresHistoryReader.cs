using System.Text;
using Npgsql;

namespace PatientVoice.Storage.Postgres;

/// <summary>Instance, type and system history, newest first, paged by position (seq) so pages stay stable.</summary>
internal static class PostgresHistoryReader
{
    public static async Task<HistoryPage> ReadAsync(NpgsqlConnection connection, HistoryQuery query, CancellationToken cancellationToken)
    {
        var where = new StringBuilder("WHERE TRUE");
        await using var count = new NpgsqlCommand { Connection = connection };
        await using var page = new NpgsqlCommand { Connection = connection };

        void Bind(string name, object value)
        {
            count.Parameters.AddWithValue(name, value);
            page.Parameters.AddWithValue(name, value);
        }

        if (query.ResourceType is not null)
        {
            where.Append(" AND r.resource_type = @type");
            Bind("type", query.ResourceType);
        }

        if (query.Id is not null)
        {
            where.Append(" AND r.resource_id = @id");
            Bind("id", query.Id);
        }

        if (query.Since is { } since)
        {
            where.Append(" AND v.last_updated >= @since");
            Bind("since", since.ToUnixTimeMilliseconds());
        }

        if (query.At is { } at)
        {
            // _at: the versions that were current at that instant (written at or before it, and not yet replaced).
            where.Append("""
                 AND v.last_updated <= @at
                 AND NOT EXISTS (SELECT 1 FROM resource_version later
                                 WHERE later.resource_pk = v.resource_pk AND later.version > v.version AND later.last_updated <= @at)
                """);
            Bind("at", at.ToUnixTimeMilliseconds());
        }

        const string From = "FROM resource_version v JOIN resource r ON r.pk = v.resource_pk ";
        count.CommandText = "SELECT COUNT(*) " + From + where;

        var pageWhere = new StringBuilder(where.ToString());
        if (query.Before is { } before)
        {
            pageWhere.Append(" AND v.seq < @before");
            page.Parameters.AddWithValue("before", before);
        }

        page.CommandText = $"SELECT {PostgresResourceReader.Columns}, v.seq {From}{pageWhere} ORDER BY v.seq DESC LIMIT @limit";
        page.Parameters.AddWithValue("limit", query.Count + 1);

        var total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        var entries = new List<StoredResource>(Math.Min(query.Count, 1000));
        long? next = null;
        long lastSeq = 0;
        await using (var reader = await page.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (entries.Count == query.Count)
                {
                    next = lastSeq;
                    break;
                }

                entries.Add(PostgresResourceReader.Map(reader));
                lastSeq = reader.GetInt64(6);
            }
        }

        return new HistoryPage(entries, total, next);
    }
}
