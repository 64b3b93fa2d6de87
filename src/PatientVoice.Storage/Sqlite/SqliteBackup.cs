using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace PatientVoice.Storage.Sqlite;

/// <summary>
/// An online copy of the embedded store while the server runs, through SQLite's backup API: one
/// <c>sqlite3_backup_step(-1)</c> copies every page inside one read transaction, so the copy is the database as it was
/// at one commit — every write committed before the backup began is in it, none half-written — and, the file being in
/// WAL mode, the server's writers carry on meanwhile. The copy goes to a temporary file beside the destination, is
/// checked (<c>PRAGMA integrity_check</c>), and only then renamed into place: a failed or interrupted backup leaves no
/// file under the destination's name.
/// </summary>
public static class SqliteBackup
{
    public static async Task<SqliteBackupResult> CreateAsync(string databasePath, string destinationPath, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        ArgumentException.ThrowIfNullOrWhiteSpace(destinationPath);
        var source = Path.GetFullPath(databasePath);
        var destination = Path.GetFullPath(destinationPath);
        if (!File.Exists(source))
        {
            throw new SqliteBackupException($"There is no database at {source} (Storage:Sqlite:Path); nothing to back up.");
        }

        if (File.Exists(destination) || Directory.Exists(destination))
        {
            throw new SqliteBackupException($"{destination} already exists; name a new file (a backup never overwrites).");
        }

        if (string.Equals(source, destination, StringComparison.Ordinal))
        {
            throw new SqliteBackupException("The backup must be a different file from the database.");
        }

        var folder = Path.GetDirectoryName(destination)!;
        if (!Directory.Exists(folder))
        {
            throw new SqliteBackupException($"The folder {folder} does not exist.");
        }

        var started = Stopwatch.GetTimestamp();
        var temporary = Path.Combine(folder, $".{Path.GetFileName(destination)}.{Guid.NewGuid():N}.partial");
        try
        {
            await using (var from = await OpenAsync(source, SqliteOpenMode.ReadWrite, cancellationToken))
            await using (var to = await OpenAsync(temporary, SqliteOpenMode.ReadWriteCreate, cancellationToken))
            {
                // Waits up to the busy timeout for a writer that is checkpointing; then one step copies all pages.
                from.BackupDatabase(to);
                // The copy is a single self-contained file: no -wal beside it to forget when it is moved.
                await ExecuteAsync(to, "PRAGMA journal_mode=DELETE;", cancellationToken);
            }

            var (version, resources) = await VerifyAsync(temporary, cancellationToken);
            File.Move(temporary, destination, overwrite: false);
            return new SqliteBackupResult(source, destination, version, resources, new FileInfo(destination).Length, Stopwatch.GetElapsedTime(started));
        }
        catch (SqliteException e)
        {
            throw new SqliteBackupException($"SQLite refused the backup: {e.Message}", e);
        }
        finally
        {
            File.Delete(temporary);
            File.Delete(temporary + "-journal");
        }
    }

    /// <summary>Checks a copy: <c>PRAGMA integrity_check</c> says ok; returns its schema version and resource count.</summary>
    public static async Task<(int SchemaVersion, long Resources)> VerifyAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(path, SqliteOpenMode.ReadOnly, cancellationToken);
        await using (var check = connection.CreateCommand())
        {
            check.CommandText = "PRAGMA integrity_check;";
            var problems = new List<string>();
            await using var reader = await check.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                problems.Add(reader.GetString(0));
            }

            if (problems is not ["ok"])
            {
                throw new SqliteBackupException($"The copy failed its integrity check: {string.Join("; ", problems.Take(5))}");
            }
        }

        var version = await SqliteResourceStore.ReadSchemaVersionAsync(connection, null, cancellationToken);
        await using var count = connection.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM resource WHERE is_deleted = 0;";
        var resources = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        return (version, resources);
    }

    private static async Task<SqliteConnection> OpenAsync(string path, SqliteOpenMode mode, CancellationToken cancellationToken)
    {
        // Unpooled: the files are closed (and the copy's journal gone) when the connections are disposed.
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false, DefaultTimeout = 30 }.ToString());
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
