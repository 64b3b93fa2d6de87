using Npgsql;
using PatientVoice.Storage.Search.Sql;

namespace PatientVoice.Storage.Postgres;

/// <summary>Reads resource versions from the resource tables.</summary>
internal static class PostgresResourceReader
{
    public static async Task<StoredResource?> ReadCurrentAsync(NpgsqlConnection connection, string resourceType, string id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT {ResourceRow.Columns}
            FROM resource r JOIN resource_version v ON v.resource_pk = r.pk AND v.version = r.version
            WHERE r.resource_type = @type AND r.resource_id = @id
            """, connection);
        command.Parameters.AddWithValue("type", resourceType);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ResourceRow.Map(reader) : null;
    }

    public static async Task<StoredResource?> ReadVersionAsync(NpgsqlConnection connection, string resourceType, string id, int versionId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"""
            SELECT {ResourceRow.Columns}
            FROM resource r JOIN resource_version v ON v.resource_pk = r.pk
            WHERE r.resource_type = @type AND r.resource_id = @id AND v.version = @version
            """, connection);
        command.Parameters.AddWithValue("type", resourceType);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("version", versionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ResourceRow.Map(reader) : null;
    }
}
