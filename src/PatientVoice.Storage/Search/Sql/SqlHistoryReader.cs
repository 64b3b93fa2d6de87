using System.Data.Common;
using System.Globalization;
using System.Text;

namespace PatientVoice.Storage.Search.Sql;

/// <summary>
/// Instance, type and system history, newest first, paged by position (<c>seq</c>) so pages stay stable while
/// data is written. Shared by the adapters over ADO.NET's common classes; only the <see cref="SqlDialect"/> differs.
/// </summary>
internal static class SqlHistoryReader
{
    private const string From = "FROM resource_version v JOIN resource r ON r.pk = v.resource_pk ";

    public static async Task<HistoryPage> ReadAsync(DbConnection connection, SqlDialect dialect, HistoryQuery query, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameterList(dialect);
        var where = new StringBuilder("WHERE 1 = 1");
        if (query.ResourceType is not null)
        {
            where.Append(" AND r.resource_type = ").Append(parameters.Add(query.ResourceType));
        }

        if (query.Id is not null)
        {
            where.Append(" AND r.resource_id = ").Append(parameters.Add(query.Id));
        }

        if (query.Since is { } since)
        {
            where.Append(" AND v.last_updated >= ").Append(parameters.Add(since.ToUnixTimeMilliseconds()));
        }

        if (query.At is { } at)
        {
            // _at: the versions that were current at that instant (written at or before it, and not yet replaced).
            var instant = parameters.Add(at.ToUnixTimeMilliseconds());
            where.Append(CultureInfo.InvariantCulture, $"""
                 AND v.last_updated <= {instant}
                 AND NOT EXISTS (SELECT 1 FROM resource_version later
                                 WHERE later.resource_pk = v.resource_pk AND later.version > v.version AND later.last_updated <= {instant})
                """);
        }

        await using var count = parameters.CreateCommand(connection, null, "SELECT COUNT(*) " + From + where);
        var total = Convert.ToInt32(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);

        if (query.Before is { } before)
        {
            where.Append(" AND v.seq < ").Append(parameters.Add(before));
        }

        await using var page = parameters.CreateCommand(connection, null, $"SELECT {ResourceRow.Columns}, v.seq {From}{where} ORDER BY v.seq DESC {SqlDialect.Limit(query.Count + 1)}");
        var entries = new List<StoredResource>(Math.Min(query.Count, 1000));
        long? next = null;
        long lastSeq = 0;
        await using (var reader = await page.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (entries.Count == query.Count)
                {
                    next = lastSeq;
                    break;
                }

                entries.Add(ResourceRow.Map(reader));
                lastSeq = reader.GetInt64(6);
            }
        }

        return new HistoryPage(entries, total, next);
    }
}
