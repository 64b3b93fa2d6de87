using Microsoft.Data.Sqlite;
using PatientVoice.Storage.Indexing;

namespace PatientVoice.Storage.Sqlite;

/// <summary>
/// The SQLite search-index tables, written in the same transaction as the resource version. One table per
/// value kind; every row carries resource_pk, resource_type and param so that a criterion is one index
/// range scan on (resource_type, param, value...), e.g. <c>Goal?patient=Patient/1</c> seeks
/// ix_search_reference_target. The (resource_pk, param) indexes serve deletes, sorting and :missing.
/// </summary>
internal static class SqliteSearchIndex
{
    /// <summary>DDL for the index tables (idempotent: CREATE ... IF NOT EXISTS).</summary>
    public const string Schema = """
        CREATE TABLE IF NOT EXISTS search_string (resource_pk INTEGER NOT NULL, resource_type TEXT NOT NULL, param TEXT NOT NULL,
          value_norm TEXT NOT NULL, value_exact TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_search_string_value ON search_string (resource_type, param, value_norm, resource_pk);
        CREATE INDEX IF NOT EXISTS ix_search_string_pk ON search_string (resource_pk, param);

        CREATE TABLE IF NOT EXISTS search_token (resource_pk INTEGER NOT NULL, resource_type TEXT NOT NULL, param TEXT NOT NULL,
          system TEXT, code TEXT, text TEXT);
        CREATE INDEX IF NOT EXISTS ix_search_token_code ON search_token (resource_type, param, code, system, resource_pk);
        CREATE INDEX IF NOT EXISTS ix_search_token_pk ON search_token (resource_pk, param);

        CREATE TABLE IF NOT EXISTS search_date (resource_pk INTEGER NOT NULL, resource_type TEXT NOT NULL, param TEXT NOT NULL,
          start_ms INTEGER NOT NULL, end_ms INTEGER NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_search_date_start ON search_date (resource_type, param, start_ms, end_ms, resource_pk);
        CREATE INDEX IF NOT EXISTS ix_search_date_end ON search_date (resource_type, param, end_ms, resource_pk);
        CREATE INDEX IF NOT EXISTS ix_search_date_pk ON search_date (resource_pk, param);

        CREATE TABLE IF NOT EXISTS search_reference (resource_pk INTEGER NOT NULL, resource_type TEXT NOT NULL, param TEXT NOT NULL,
          target_type TEXT, target_id TEXT, target_version TEXT, url TEXT);
        CREATE INDEX IF NOT EXISTS ix_search_reference_target ON search_reference (resource_type, param, target_id, target_type, resource_pk);
        CREATE INDEX IF NOT EXISTS ix_search_reference_url ON search_reference (resource_type, param, url, resource_pk);
        CREATE INDEX IF NOT EXISTS ix_search_reference_pk ON search_reference (resource_pk, param);

        CREATE TABLE IF NOT EXISTS search_uri (resource_pk INTEGER NOT NULL, resource_type TEXT NOT NULL, param TEXT NOT NULL,
          uri TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_search_uri_value ON search_uri (resource_type, param, uri, resource_pk);
        CREATE INDEX IF NOT EXISTS ix_search_uri_pk ON search_uri (resource_pk, param);

        CREATE TABLE IF NOT EXISTS search_number (resource_pk INTEGER NOT NULL, resource_type TEXT NOT NULL, param TEXT NOT NULL,
          value REAL NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_search_number_value ON search_number (resource_type, param, value, resource_pk);
        CREATE INDEX IF NOT EXISTS ix_search_number_pk ON search_number (resource_pk, param);

        CREATE TABLE IF NOT EXISTS search_quantity (resource_pk INTEGER NOT NULL, resource_type TEXT NOT NULL, param TEXT NOT NULL,
          value REAL NOT NULL, system TEXT, code TEXT, unit TEXT);
        CREATE INDEX IF NOT EXISTS ix_search_quantity_value ON search_quantity (resource_type, param, value, resource_pk);
        CREATE INDEX IF NOT EXISTS ix_search_quantity_pk ON search_quantity (resource_pk, param);
        """;

    private const string DeleteSql = """
        DELETE FROM search_string WHERE resource_pk = $pk;
        DELETE FROM search_token WHERE resource_pk = $pk;
        DELETE FROM search_date WHERE resource_pk = $pk;
        DELETE FROM search_reference WHERE resource_pk = $pk;
        DELETE FROM search_uri WHERE resource_pk = $pk;
        DELETE FROM search_number WHERE resource_pk = $pk;
        DELETE FROM search_quantity WHERE resource_pk = $pk;
        """;

    // The insert for each kind of entry, built once: the text is the key of the writer's prepared command.
    private static readonly Dictionary<Type, (string Sql, int Columns)> Inserts = new[]
    {
        typeof(StringIndexEntry), typeof(TokenIndexEntry), typeof(DateIndexEntry), typeof(ReferenceIndexEntry),
        typeof(UriIndexEntry), typeof(NumberIndexEntry), typeof(QuantityIndexEntry),
    }.ToDictionary(kind => kind, InsertFor);

    public static async Task ReplaceAsync(SqliteWriterConnection connection, SqliteTransaction transaction, long resourcePk, string resourceType,
        IReadOnlyList<SearchIndexEntry> entries, bool replacing, CancellationToken cancellationToken)
    {
        if (replacing)
        {
            await RemoveAsync(connection, transaction, resourcePk, cancellationToken).ConfigureAwait(false);
        }

        // One command per table, prepared once per writer connection and re-executed with new values for each row of that kind.
        foreach (var group in entries.GroupBy(e => e.GetType()))
        {
            var (sql, columns) = Inserts.TryGetValue(group.Key, out var insert) ? insert : InsertFor(group.Key);
            await using var command = connection.Prepared(sql, transaction);
            command.Parameters.AddWithValue("$pk", resourcePk);
            command.Parameters.AddWithValue("$type", resourceType);
            var parameters = new SqliteParameter[columns + 1];
            parameters[0] = command.Parameters.Add("$param", SqliteType.Text);
            for (var i = 1; i <= columns; i++)
            {
                parameters[i] = command.Parameters.Add("$v" + i, SqliteType.Text);
            }

            foreach (var entry in group)
            {
                parameters[0].Value = entry.ParameterName;
                var values = ValuesOf(entry);
                for (var i = 0; i < values.Length; i++)
                {
                    parameters[i + 1].Value = values[i] ?? DBNull.Value;
                    parameters[i + 1].SqliteType = values[i] switch
                    {
                        long => SqliteType.Integer,
                        double => SqliteType.Real,
                        _ => SqliteType.Text,
                    };
                }

                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public static async Task RemoveAsync(SqliteWriterConnection connection, SqliteTransaction transaction, long resourcePk, CancellationToken cancellationToken)
    {
        await using var command = connection.Prepared(DeleteSql, transaction);
        command.Parameters.AddWithValue("$pk", resourcePk);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static (string Sql, int Columns) InsertFor(Type kind)
    {
        (string Table, string[] Columns) t = kind.Name switch
        {
            nameof(StringIndexEntry) => ("search_string", ["value_norm", "value_exact"]),
            nameof(TokenIndexEntry) => ("search_token", ["system", "code", "text"]),
            nameof(DateIndexEntry) => ("search_date", ["start_ms", "end_ms"]),
            nameof(ReferenceIndexEntry) => ("search_reference", ["target_type", "target_id", "target_version", "url"]),
            nameof(UriIndexEntry) => ("search_uri", ["uri"]),
            nameof(NumberIndexEntry) => ("search_number", ["value"]),
            nameof(QuantityIndexEntry) => ("search_quantity", ["value", "system", "code", "unit"]),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind.Name, "Unknown index entry kind."),
        };
        var values = string.Join(", ", Enumerable.Range(1, t.Columns.Length).Select(i => "$v" + i));
        return ($"INSERT INTO {t.Table} (resource_pk, resource_type, param, {string.Join(", ", t.Columns)}) VALUES ($pk, $type, $param, {values})",
            t.Columns.Length);
    }

    private static object?[] ValuesOf(SearchIndexEntry entry) => entry switch
    {
        StringIndexEntry s => [s.Normalized, s.Exact],
        TokenIndexEntry t => [t.System, t.Code, t.Text],
        DateIndexEntry d => [d.StartMs, d.EndMs],
        ReferenceIndexEntry r => [r.TargetType, r.TargetId, r.TargetVersion, r.Url],
        UriIndexEntry u => [u.Uri],
        NumberIndexEntry n => [(double)n.Value],
        QuantityIndexEntry q => [(double)q.Value, q.System, q.Code, q.Unit],
        _ => throw new ArgumentOutOfRangeException(nameof(entry), entry.GetType().Name, "Unknown index entry kind."),
    };
}
