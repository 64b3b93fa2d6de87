using Microsoft.Data.Sqlite;
using PatientVoice.Storage.Search.Sql;

namespace PatientVoice.Storage.Sqlite;

/// <summary>Reads resource versions from the resource tables.</summary>
internal static class SqliteResourceReader
{
    public static async Task<StoredResource?> ReadCurrentAsync(SqliteConnection connection, SqliteTransaction? transaction, string resourceType, string id, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"""
            SELECT {ResourceRow.Columns}
            FROM resource r JOIN resource_version v ON v.resource_pk = r.pk AND v.version = r.version
            WHERE r.resource_type = $type AND r.resource_id = $id
            """;
        command.Parameters.AddWithValue("$type", resourceType);
        command.Parameters.AddWithValue("$id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ResourceRow.Map(reader) : null;
    }

    public static async Task<StoredResource?> ReadVersionAsync(SqliteConnection connection, string resourceType, string id, int versionId, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT {ResourceRow.Columns}
            FROM resource r JOIN resource_version v ON v.resource_pk = r.pk
            WHERE r.resource_type = $type AND r.resource_id = $id AND v.version = $version
            """;
        command.Parameters.AddWithValue("$type", resourceType);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$version", versionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ResourceRow.Map(reader) : null;
    }
}
