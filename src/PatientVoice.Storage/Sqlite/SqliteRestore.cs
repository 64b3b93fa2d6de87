using Microsoft.Data.Sqlite;

namespace PatientVoice.Storage.Sqlite;

/// <summary>
/// Puts a backup (<see cref="SqliteBackup"/>) in the database's place, the restore procedure of docs/operations.md done
/// safely: the backup is checked first (integrity, a schema version this build can open); the current database is
/// taken with an exclusive lock — refused while any process, such as a running server, has it open — folded into one
/// self-contained file and kept aside under a new name; no <c>-wal</c> or <c>-shm</c> is left beside the restored file;
/// and the backup is copied to a temporary file and renamed into place, so the database path never names a half-copied file.
/// </summary>
public static class SqliteRestore
{
    public static async Task<SqliteRestoreResult> RestoreAsync(string databasePath, string backupPath, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databasePath);
        ArgumentException.ThrowIfNullOrWhiteSpace(backupPath);
        ArgumentNullException.ThrowIfNull(time);
        var database = Path.GetFullPath(databasePath);
        var backup = Path.GetFullPath(backupPath);
        if (!File.Exists(backup))
        {
            throw new SqliteBackupException($"There is no backup at {backup}.");
        }

        if (string.Equals(database, backup, StringComparison.Ordinal))
        {
            throw new SqliteBackupException("The backup is the database itself; name a backup file.");
        }

        int version;
        long resources;
        try
        {
            (version, resources) = await SqliteBackup.VerifyAsync(backup, cancellationToken);
        }
        catch (SqliteException e)
        {
            throw new SqliteBackupException($"{backup} is not a PatientVoice SQLite backup: {e.Message}", e);
        }

        if (version > SqliteResourceStore.SchemaVersion)
        {
            throw new SqliteBackupException(
                $"The backup has schema version {version}, newer than this build knows ({SqliteResourceStore.SchemaVersion}); restore it with the PatientVoice that wrote it.");
        }

        var folder = Path.GetDirectoryName(database)!;
        Directory.CreateDirectory(folder);
        string? setAside = null;
        if (File.Exists(database))
        {
            await FoldIntoOneFileAsync(database, cancellationToken);
            setAside = $"{database}.before-restore-{time.GetUtcNow():yyyyMMddHHmmss}";
            File.Move(database, setAside, overwrite: false);
        }

        // A -wal without its database, or left from before, must never be applied to the restored file.
        File.Delete(database + "-wal");
        File.Delete(database + "-shm");
        var temporary = Path.Combine(folder, $".{Path.GetFileName(database)}.{Guid.NewGuid():N}.restoring");
        try
        {
            File.Copy(backup, temporary);
            File.Move(temporary, database, overwrite: false);
        }
        finally
        {
            File.Delete(temporary);
        }

        return new SqliteRestoreResult(database, backup, version, resources, setAside);
    }

    // Every connection that has a WAL database open holds a shared lock on the "DMS" byte of its -shm file (offset 128:
    // after the eight WAL locks at 120), a POSIX record lock, for as long as it is open; a running server keeps pooled
    // connections open. SQLite's own exclusive lock is no test: idle WAL connections hold no lock on the database file.
    private const long DeadManSwitchOffset = 128;

    // Refused while anyone has the database open; else, under SQLite's exclusive lock, the WAL is checkpointed into the
    // file and the file leaves WAL mode, so what is set aside is complete in one file.
    private static async Task FoldIntoOneFileAsync(string database, CancellationToken cancellationToken)
    {
        ThrowIfOpenElsewhere(database);
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 2 }.ToString());
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA locking_mode=EXCLUSIVE; BEGIN EXCLUSIVE; COMMIT; PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode=DELETE;";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException e) when (e.SqliteErrorCode is 5 or 6)
        {
            throw new SqliteDatabaseInUseException(
                $"The database {database} is in use (a PatientVoice server or another process has it open); stop it, then restore.", e);
        }
    }

    private static void ThrowIfOpenElsewhere(string database)
    {
        var shm = database + "-shm";
        // macOS has no byte-range FileStream.Lock: there only SQLite's exclusive lock below is checked, which sees a
        // connection in a transaction but not an idle one.
        if (OperatingSystem.IsMacOS() || !File.Exists(shm))
        {
            return;
        }

        using var stream = new FileStream(shm, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        try
        {
            stream.Lock(DeadManSwitchOffset, 1);
            stream.Unlock(DeadManSwitchOffset, 1);
        }
        catch (IOException e)
        {
            throw new SqliteDatabaseInUseException(
                $"The database {database} is in use (a PatientVoice server or another process has it open); stop it, then restore.", e);
        }
    }
}
