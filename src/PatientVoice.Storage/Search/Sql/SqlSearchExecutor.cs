using System.Data.Common;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Storage.Search.Sql;

/// <summary>
/// Runs a parsed search against the index tables: one keyset-paged query for the page's pks, one query for
/// their JSON, an optional COUNT, and the includes of the page. Nothing reads JSON beyond the page.
/// Shared by the adapters over ADO.NET's common classes; only the <see cref="SqlDialect"/> differs.
/// </summary>
internal sealed class SqlSearchExecutor(SqlDialect dialect)
{
    private const int MaxIncluded = 1000;
    private const int MaxIncludeRounds = 4;

    private readonly SearchSqlBuilder _builder = new(dialect);

    public async Task<SearchResult> ExecuteAsync(DbConnection connection, DbTransaction? transaction, SearchQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var db = new Db(connection, transaction, cancellationToken);
        var signature = SearchCursor.SignatureOf(query.Sort);
        SearchCursor? cursor = null;
        if (query.Cursor is not null)
        {
            cursor = SearchCursor.Decode(query.Cursor);
            if (cursor.SortSignature != signature || cursor.Keys.Count != query.Sort.Count)
            {
                throw new BadRequestException("The _cursor parameter belongs to a search with another _sort; follow the links as given.", "_cursor");
            }
        }

        var countOnly = query.SummaryCount || query.Count == 0;
        var page = new List<PageRow>();
        string? next = null, previous = null;
        if (!countOnly)
        {
            var rows = await PageAsync(db, query, cursor, query.Count + 1).ConfigureAwait(false);
            var more = rows.Count > query.Count;
            page = rows.Take(query.Count).ToList();
            if (cursor is { Backward: true })
            {
                page.Reverse();
                previous = more && page.Count > 0 ? Cursor(page[0], backward: true, signature) : null;
                next = page.Count > 0 ? Cursor(page[^1], backward: false, signature) : null;
            }
            else
            {
                next = more ? Cursor(page[^1], backward: false, signature) : null;
                if (cursor is not null && page.Count > 0)
                {
                    var before = new SearchCursor(true, page[0].Keys, page[0].Pk, signature);
                    previous = (await PageAsync(db, query, before, 1).ConfigureAwait(false)).Count > 0 ? before.Encode() : null;
                }
            }
        }

        int? total = query.Total switch
        {
            TotalMode.None when !query.SummaryCount => null,
            TotalMode.Accurate => await CountAsync(db, query).ConfigureAwait(false),
            _ when countOnly => await CountAsync(db, query).ConfigureAwait(false),
            _ when cursor is not null => null,
            // First page: free when the page is not full, else one COUNT over the same criteria.
            _ when page.Count < query.Count => page.Count,
            _ => await CountAsync(db, query).ConfigureAwait(false),
        };

        var loaded = await LoadAsync(db, page.Select(p => p.Pk).ToList()).ConfigureAwait(false);
        var matches = page.Where(p => loaded.ContainsKey(p.Pk)).Select(p => loaded[p.Pk]).ToList();
        var included = query.Includes.Count == 0 || page.Count == 0
            ? []
            : await IncludeAsync(db, query, page).ConfigureAwait(false);
        return new SearchResult(matches, included, total, next, previous);
    }

    private static string Cursor(PageRow row, bool backward, string signature) => new SearchCursor(backward, row.Keys, row.Pk, signature).Encode();

    private async Task<List<PageRow>> PageAsync(Db db, SearchQuery query, SearchCursor? cursor, int limit)
    {
        var ps = new SqlParameterList(_builder.Dialect);
        var keys = string.Concat(query.Sort.Select((k, i) => $", {SearchSqlBuilder.SortExpression(k, ps)} AS k{i}"));
        var where = _builder.Where(query, ps);
        var keyset = cursor is null ? "1 = 1" : SearchSqlBuilder.Keyset(query.Sort, cursor, ps);
        var sql = $"""
            SELECT q.* FROM (SELECT r.pk{keys} FROM resource r WHERE {where}) q
            WHERE {keyset}
            ORDER BY {SearchSqlBuilder.OrderBy(query.Sort, cursor?.Backward ?? false)}
            {SqlDialect.Limit(limit)}
            """;
        return await db.QueryAsync(sql, ps, reader =>
        {
            var values = new object?[query.Sort.Count];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i + 1) ? null : reader.GetValue(i + 1);
            }

            return new PageRow(reader.GetInt64(0), values);
        }).ConfigureAwait(false);
    }

    private async Task<int> CountAsync(Db db, SearchQuery query)
    {
        var ps = new SqlParameterList(_builder.Dialect);
        var sql = $"SELECT COUNT(*) FROM resource r WHERE {_builder.Where(query, ps)}";
        // COUNT is a bigint in PostgreSQL, an integer in SQLite.
        return (await db.QueryAsync(sql, ps, reader => Convert.ToInt32(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)).ConfigureAwait(false))[0];
    }

    private async Task<Dictionary<long, StoredResource>> LoadAsync(Db db, IReadOnlyCollection<long> pks)
    {
        var result = new Dictionary<long, StoredResource>();
        if (pks.Count == 0)
        {
            return result;
        }

        var ps = new SqlParameterList(_builder.Dialect);
        var list = string.Join(", ", pks.Select(pk => ps.Add(pk)));
        var sql = $"""
            SELECT r.pk, r.resource_type, r.resource_id, r.version, r.last_updated, v.method, v.json
            FROM resource r JOIN resource_version v ON v.resource_pk = r.pk AND v.version = r.version
            WHERE r.pk IN ({list}) AND r.is_deleted = 0
            """;
        var rows = await db.QueryAsync(sql, ps, reader => (Pk: reader.GetInt64(0), Resource: new StoredResource(
            reader.GetString(1), reader.GetString(2), reader.GetInt32(3),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)), false,
            reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetString(5)))).ConfigureAwait(false);
        foreach (var (pk, resource) in rows)
        {
            result[pk] = resource;
        }

        return result;
    }

    /// <summary>
    /// _include and _revinclude for the page: the first round applies every spec to the page, later rounds
    /// apply the :iterate specs to what the previous round brought in. Deduplicated; never the matches again.
    /// </summary>
    private async Task<IReadOnlyList<StoredResource>> IncludeAsync(Db db, SearchQuery query, IReadOnlyList<PageRow> page)
    {
        var seen = page.Select(p => p.Pk).ToHashSet();
        var included = new List<long>();
        IReadOnlyList<long> current = page.Select(p => p.Pk).ToList();
        for (var round = 0; round < MaxIncludeRounds && current.Count > 0 && included.Count < MaxIncluded; round++)
        {
            var found = new List<long>();
            foreach (var spec in query.Includes.Where(s => round == 0 || s.Iterate))
            {
                foreach (var pk in await IncludeOneAsync(db, spec, current).ConfigureAwait(false))
                {
                    if (seen.Add(pk))
                    {
                        found.Add(pk);
                    }
                }
            }

            included.AddRange(found);
            current = found;
        }

        var loaded = await LoadAsync(db, included.Take(MaxIncluded).ToList()).ConfigureAwait(false);
        return included.Where(loaded.ContainsKey).Select(pk => loaded[pk]).ToList();
    }

    private async Task<List<long>> IncludeOneAsync(Db db, IncludeSpec spec, IReadOnlyList<long> from)
    {
        var ps = new SqlParameterList(_builder.Dialect);
        var set = string.Join(", ", from.Select(pk => ps.Add(pk)));
        var source = ps.Add(spec.SourceType);
        var param = spec.ParameterName is null ? "" : $" AND s.param = {ps.Add(spec.ParameterName)}";
        var target = spec.TargetType is null ? "" : $" AND s.target_type = {ps.Add(spec.TargetType)}";
        string sql;
        if (!spec.Reverse)
        {
            // What the set's references point to: literal references by type/id, canonicals by the target's url.
            var targetOfUri = spec.TargetType is null ? "" : $" AND u.resource_type = {ps.Add(spec.TargetType)}";
            sql = $"""
                SELECT t.pk FROM search_reference s
                  JOIN resource t ON t.resource_type = s.target_type AND t.resource_id = s.target_id AND t.is_deleted = 0
                WHERE s.resource_pk IN ({set}) AND s.resource_type = {source}{param}{target} AND s.url IS NULL
                UNION
                SELECT u.resource_pk FROM search_reference s
                  JOIN search_uri u ON u.param = 'url' AND u.uri = s.url
                WHERE s.resource_pk IN ({set}) AND s.resource_type = {source}{param}{targetOfUri} AND s.url IS NOT NULL
                """;
        }
        else
        {
            // What points at the set: by type/id, or by canonical url.
            sql = $"""
                SELECT s.resource_pk FROM resource t
                  JOIN search_reference s ON s.target_id = t.resource_id AND s.target_type = t.resource_type
                WHERE t.pk IN ({set}) AND s.resource_type = {source}{param}{target} AND s.url IS NULL
                UNION
                SELECT s.resource_pk FROM search_uri u
                  JOIN search_reference s ON s.url = u.uri
                WHERE u.resource_pk IN ({set}) AND u.param = 'url' AND s.resource_type = {source}{param}
                """;
        }

        return await db.QueryAsync(sql, ps, reader => reader.GetInt64(0)).ConfigureAwait(false);
    }

    private sealed record PageRow(long Pk, IReadOnlyList<object?> Keys);

    private sealed record Db(DbConnection Connection, DbTransaction? Transaction, CancellationToken CancellationToken)
    {
        public async Task<List<T>> QueryAsync<T>(string sql, SqlParameterList ps, Func<DbDataReader, T> map)
        {
            await using var command = ps.CreateCommand(Connection, Transaction, sql);

            var rows = new List<T>();
            await using var reader = await command.ExecuteReaderAsync(CancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(CancellationToken).ConfigureAwait(false))
            {
                rows.Add(map(reader));
            }

            return rows;
        }
    }
}
