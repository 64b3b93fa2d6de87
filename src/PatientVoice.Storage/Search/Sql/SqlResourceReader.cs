using System.Data.Common;

namespace PatientVoice.Storage.Search.Sql;

/// <summary>
/// Reads resource versions from the resource tables. Shared by the adapters over ADO.NET's common classes; only the
/// <see cref="SqlDialect"/> differs (parameter names, and how a write session locks the row it read).
/// </summary>
internal static class SqlResourceReader
{
    public static async Task<StoredResource?> ReadCurrentAsync(DbConnection connection, SqlDialect dialect, string resourceType, string id, CancellationToken cancellationToken)
        => (await ReadCurrentRowAsync(connection, null, dialect, resourceType, id, "", cancellationToken))?.Stored;

    /// <summary>
    /// The current row of a resource inside a write session's <paramref name="transaction"/>, locked until the
    /// transaction ends where the dialect has row locks (writers of the resource queue there).
    /// </summary>
    public static Task<CurrentResourceRow?> LockCurrentAsync(DbConnection connection, DbTransaction transaction, SqlDialect dialect, string resourceType, string id, CancellationToken cancellationToken)
        => ReadCurrentRowAsync(connection, transaction, dialect, resourceType, id, dialect.LockRowsOf("r"), cancellationToken);

    private static async Task<CurrentResourceRow?> ReadCurrentRowAsync(DbConnection connection, DbTransaction? transaction, SqlDialect dialect, string resourceType, string id, string locking, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameterList(dialect);
        await using var command = parameters.CreateCommand(connection, transaction, $"""
            SELECT r.pk, {ResourceRow.Columns}
            FROM resource r JOIN resource_version v ON v.resource_pk = r.pk AND v.version = r.version
            WHERE r.resource_type = {parameters.Add(resourceType)} AND r.resource_id = {parameters.Add(id)}
            {locking}
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new CurrentResourceRow(reader.GetInt64(0), ResourceRow.Map(reader, offset: 1)) : null;
    }

    public static async Task<StoredResource?> ReadVersionAsync(DbConnection connection, SqlDialect dialect, string resourceType, string id, int versionId, CancellationToken cancellationToken)
    {
        var parameters = new SqlParameterList(dialect);
        await using var command = parameters.CreateCommand(connection, null, $"""
            SELECT {ResourceRow.Columns}
            FROM resource r JOIN resource_version v ON v.resource_pk = r.pk
            WHERE r.resource_type = {parameters.Add(resourceType)} AND r.resource_id = {parameters.Add(id)} AND v.version = {parameters.Add(versionId)}
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ResourceRow.Map(reader) : null;
    }
}
