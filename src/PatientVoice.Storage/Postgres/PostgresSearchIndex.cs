using Npgsql;
using NpgsqlTypes;
using PatientVoice.Storage.Indexing;

namespace PatientVoice.Storage.Postgres;

/// <summary>
/// Writes a resource's search-index rows (tables in <see cref="PostgresSchema"/>) as commands of the write's
/// one batch: one <c>INSERT … SELECT FROM unnest(arrays)</c> per value kind, however many rows, so a write
/// is a fixed number of statements in a single round trip.
/// </summary>
internal static class PostgresSearchIndex
{
    /// <summary>The pk of the resource row inserted last by this connection (for a create sent in one batch).</summary>
    public const string InsertedPk = "currval(pg_get_serial_sequence('resource', 'pk'))";

    private const string DeleteSql = """
        WITH s AS (DELETE FROM search_string WHERE resource_pk = $1),
             t AS (DELETE FROM search_token WHERE resource_pk = $1),
             d AS (DELETE FROM search_date WHERE resource_pk = $1),
             r AS (DELETE FROM search_reference WHERE resource_pk = $1),
             u AS (DELETE FROM search_uri WHERE resource_pk = $1),
             n AS (DELETE FROM search_number WHERE resource_pk = $1)
        DELETE FROM search_quantity WHERE resource_pk = $1
        """;

    /// <summary>Adds the command that removes every index row of <paramref name="resourcePk"/>.</summary>
    public static void AddRemove(NpgsqlBatch batch, long resourcePk)
    {
        var command = new NpgsqlBatchCommand(DeleteSql);
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = resourcePk });
        batch.BatchCommands.Add(command);
    }

    /// <summary>
    /// Adds one insert per value kind present in <paramref name="entries"/>, for <paramref name="resourcePk"/> or,
    /// when null, for the resource row inserted earlier in the same batch (<see cref="InsertedPk"/>).
    /// </summary>
    public static void AddInserts(NpgsqlBatch batch, long? resourcePk, string resourceType, IReadOnlyList<SearchIndexEntry> entries)
    {
        if (entries.Count == 0)
        {
            return;
        }

        Add<StringIndexEntry>(batch, resourcePk, resourceType, entries, "search_string", ["value_norm", "value_exact"],
            e => e.Normalized, e => e.Exact);
        Add<TokenIndexEntry>(batch, resourcePk, resourceType, entries, "search_token", ["system", "code", "text"],
            e => e.System, e => e.Code, e => e.Text);
        AddDates(batch, resourcePk, resourceType, entries);
        Add<ReferenceIndexEntry>(batch, resourcePk, resourceType, entries, "search_reference", ["target_type", "target_id", "target_version", "url"],
            e => e.TargetType, e => e.TargetId, e => e.TargetVersion, e => e.Url);
        Add<UriIndexEntry>(batch, resourcePk, resourceType, entries, "search_uri", ["uri"], e => e.Uri);
        AddNumbers(batch, resourcePk, resourceType, entries);
        AddQuantities(batch, resourcePk, resourceType, entries);
    }

    private static void Add<T>(NpgsqlBatch batch, long? pk, string type, IReadOnlyList<SearchIndexEntry> entries, string table, string[] columns, params Func<T, string?>[] values)
        where T : SearchIndexEntry
    {
        var rows = entries.OfType<T>().ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var command = Insert(pk, type, rows, table, columns, Enumerable.Repeat("text", columns.Length).ToArray());
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter<string?[]>
            {
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
                TypedValue = rows.Select(value).ToArray(),
            });
        }

        batch.BatchCommands.Add(command);
    }

    private static void AddDates(NpgsqlBatch batch, long? pk, string type, IReadOnlyList<SearchIndexEntry> entries)
    {
        var rows = entries.OfType<DateIndexEntry>().ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var command = Insert(pk, type, rows, "search_date", ["start_ms", "end_ms"], ["bigint", "bigint"]);
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = rows.Select(r => r.StartMs).ToArray() });
        command.Parameters.Add(new NpgsqlParameter<long[]> { TypedValue = rows.Select(r => r.EndMs).ToArray() });
        batch.BatchCommands.Add(command);
    }

    private static void AddNumbers(NpgsqlBatch batch, long? pk, string type, IReadOnlyList<SearchIndexEntry> entries)
    {
        var rows = entries.OfType<NumberIndexEntry>().ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var command = Insert(pk, type, rows, "search_number", ["value"], ["double precision"]);
        command.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = rows.Select(r => (double)r.Value).ToArray() });
        batch.BatchCommands.Add(command);
    }

    private static void AddQuantities(NpgsqlBatch batch, long? pk, string type, IReadOnlyList<SearchIndexEntry> entries)
    {
        var rows = entries.OfType<QuantityIndexEntry>().ToList();
        if (rows.Count == 0)
        {
            return;
        }

        var command = Insert(pk, type, rows, "search_quantity", ["value", "system", "code", "unit"], ["double precision", "text", "text", "text"]);
        command.Parameters.Add(new NpgsqlParameter<double[]> { TypedValue = rows.Select(r => (double)r.Value).ToArray() });
        foreach (var value in new Func<QuantityIndexEntry, string?>[] { r => r.System, r => r.Code, r => r.Unit })
        {
            command.Parameters.Add(new NpgsqlParameter<string?[]>
            {
                NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
                TypedValue = rows.Select(value).ToArray(),
            });
        }

        batch.BatchCommands.Add(command);
    }

    // $1 pk (unused when null: the batch's inserted row), $2 type, $3 the parameter names, $4… one array per value
    // column, all of the same length.
    private static NpgsqlBatchCommand Insert<T>(long? pk, string type, List<T> rows, string table, string[] columns, string[] sqlTypes)
        where T : SearchIndexEntry
    {
        var arrays = string.Join(", ", sqlTypes.Select((t, i) => $"${i + 4}::{t}[]"));
        var command = new NpgsqlBatchCommand(
            $"INSERT INTO {table} (resource_pk, resource_type, param, {string.Join(", ", columns)}) SELECT {(pk is null ? InsertedPk : "$1")}, $2, u.* FROM unnest($3::text[], {arrays}) AS u");
        command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = pk ?? 0 });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = type });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = rows.Select(r => r.ParameterName).ToArray() });
        return command;
    }
}
