using System.Data.Common;
using Npgsql;

namespace PatientVoice.Storage.Postgres;

/// <summary>Reads resource versions from the resource tables.</summary>
internal static class PostgresResourceReader
{
    /// <summary>The columns <see cref="Map"/> expects, for a row of resource r joined to its version v.</summary>
    public const string Columns = "r.resource_type, r.resource_id, v.version, v.last_updated, v.method, v.json";

    public static async Task<StoredResource?> ReadCurrentAsync(NpgsqlConnection connection, string resourceType, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT {Columns}
            FROM resource r JOIN resource_version v ON v.resource_pk = r.pk AND v.version = r.version
            WHERE r.resource_type = @type AND r.resource_id = @id
            """, connection);
        command.Parameters.AddWithValue("type", resourceType);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Map(reader) : null;
    }

    public static async Task<StoredResource?> ReadVersionAsync(NpgsqlConnection connection, string resourceType, string id, int versionId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT {Columns}
            FROM resource r JOIN resource_version v ON v.resource_pk = r.pk
            WHERE r.resource_type = @type AND r.resource_id = @id AND v.version = @version
            """, connection);
        command.Parameters.AddWithValue("type", resourceType);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("version", versionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Map(reader) : null;
    }

    /// <summary>Maps a row whose six columns from <paramref name="offset"/> are <see cref="Columns"/>.</summary>
    public static StoredResource Map(DbDataReader reader, int offset = 0)
    {
        var json = reader.IsDBNull(offset + 5) ? null : reader.GetString(offset + 5);
        return new StoredResource(
            reader.GetString(offset),
            reader.GetString(offset + 1),
            reader.GetInt32(offset + 2),
            StoreClock.FromUnixMilliseconds(reader.GetInt64(offset + 3)),
            IsDeleted: json is null,
            json,
            reader.GetString(offset + 4));
    }
}
