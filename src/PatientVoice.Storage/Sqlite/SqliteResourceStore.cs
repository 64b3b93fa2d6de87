using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Search.Sql;

namespace PatientVoice.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Readers run concurrently on pooled connections;
/// writers take turns (SQLite has one writer at a time, and queueing them here is cheaper than letting
/// them spin on SQLITE_BUSY) on one long-lived writer connection that keeps its statements prepared.
/// </summary>
public sealed partial class SqliteResourceStore : SqlResourceStore, IDisposable
{
    private readonly string _connectionString;
    private readonly bool _backgroundCheckpoint;
    private readonly int _checkpointPages;
    private readonly string _synchronous;
    private readonly string _maxPageCount;
    private readonly ILogger<SqliteResourceStore> _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    // Used only while holding _writeLock; null until the first write and after a fault discarded it.
    private SqliteWriterConnection? _writer;
    private SqliteCheckpointer? _checkpointer;
    private bool _disposed;

    internal SqliteResourceStore(IOptions<SqliteStoreOptions> options, ISearchIndexer indexer, TimeProvider time, ILogger<SqliteResourceStore> logger)
        : base(SqliteDialect.Instance, indexer, time)
    {
        var path = System.IO.Path.GetFullPath(options.Value.Path);
        DatabasePath = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
        _synchronous = options.Value.Synchronous.ToUpperInvariant() switch
        {
            "OFF" or "NORMAL" or "FULL" or "EXTRA" => options.Value.Synchronous.ToUpperInvariant(),
            _ => throw new ArgumentException($"Storage:Sqlite:Synchronous must be OFF, NORMAL, FULL or EXTRA, not '{options.Value.Synchronous}'."),
        };
        _maxPageCount = options.Value.MaxPageCount is { } pages
            ? $" PRAGMA max_page_count={pages.ToString(System.Globalization.CultureInfo.InvariantCulture)};"
            : "";
        _backgroundCheckpoint = options.Value.BackgroundCheckpoint;
        _checkpointPages = options.Value.CheckpointPages >= 1
            ? options.Value.CheckpointPages
            : throw new ArgumentException($"Storage:Sqlite:CheckpointPages must be at least 1, not {options.Value.CheckpointPages}.");
        _logger = logger;
    }

    public string DatabasePath { get; }

    /// <summary>The checkpointer once the first write has opened the writer, if <see cref="SqliteStoreOptions.BackgroundCheckpoint"/> (for tests).</summary>
    internal SqliteCheckpointer? Checkpointer => Volatile.Read(ref _checkpointer);

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await OpenWithPragmasAsync(cancellationToken);
        await using (var wal = connection.CreateCommand())
        {
            // WAL is a property of the file: set once, kept by every later connection.
            wal.CommandText = "PRAGMA journal_mode=WAL;";
            await wal.ExecuteNonQueryAsync(cancellationToken);
        }

        // BEGIN IMMEDIATE: processes opening one file together (a server and a restore check, two test hosts) migrate one
        // after another; the later ones find the work done. DDL and user_version are transactional in SQLite.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var version = await ReadSchemaVersionAsync(connection, transaction, cancellationToken);
        if (version > SqliteSchema.Latest)
        {
            throw new SchemaVersionException(
                $"The SQLite database {DatabasePath} has schema version {version}, newer than this build knows ({SqliteSchema.Latest}); run a newer PatientVoice, or restore a backup taken with this version.");
        }

        foreach (var (number, name, sql) in SqliteSchema.Migrations.Where(m => m.Version > version))
        {
            await using var ddl = connection.CreateCommand();
            ddl.Transaction = transaction;
            // PRAGMA takes no parameters; the number is ours.
            ddl.CommandText = sql + $"\nPRAGMA user_version = {number.ToString(System.Globalization.CultureInfo.InvariantCulture)};";
            await ddl.ExecuteNonQueryAsync(cancellationToken);
            LogMigrated(number, name);
        }

        await transaction.CommitAsync(cancellationToken);
        LogInitialized(DatabasePath, SqliteSchema.Latest);
    }

    /// <summary>The schema version this build writes (the number of its last migration).</summary>
    public static int SchemaVersion => SqliteSchema.Latest;

    /// <summary>The file's <c>PRAGMA user_version</c>: the last migration applied to it, 0 for a file from before versions were kept.</summary>
    public static async Task<int> ReadSchemaVersionAsync(SqliteConnection connection, SqliteTransaction? transaction, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version;";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    public override async Task<IResourceWriteSession> BeginWriteAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            var writer = await WriterAsync(cancellationToken);
            // BEGIN IMMEDIATE: take the write lock now, so reads inside the session see what it will write over.
            var transaction = writer.BeginTransaction(deferred: false);
            return new SqliteWriteSession(writer, transaction, Indexer, Search, EndWriterTurn, Time);
        }
        catch
        {
            // Busy past the timeout, or the file could not be opened: start the next turn on a fresh connection.
            EndWriterTurn(faulted: true);
            throw;
        }
    }

    /// <summary>Closes the writer connection once the write in progress (if any) has ended.</summary>
    public void Dispose()
    {
        // A session never disposed would hold the turn for ever: then leave its connection to the process's end.
        if (!_writeLock.Wait(TimeSpan.FromSeconds(30)))
        {
            return;
        }

        try
        {
            _disposed = true;
            // The checkpointer first (after its pass in progress, if any); then the writer, the last connection, closes.
            _checkpointer?.Dispose();
            _checkpointer = null;
            DiscardWriter();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Reads need none of the writer's PRAGMAs (synchronous, foreign_keys and max_page_count act on writes only).</summary>
    private protected override async Task<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    // Claims and outcomes are short write transactions taking the writer turn, like a write session.
    private protected override async Task<T> RunOutboxChangeAsync<T>(Func<DbConnection, DbTransaction?, Task<T>> change, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        var faulted = true;
        try
        {
            var writer = await WriterAsync(cancellationToken);
            T result;
            await using (var transaction = writer.BeginTransaction(deferred: false))
            {
                result = await change(writer, transaction);
                await transaction.CommitAsync(cancellationToken);
            }

            faulted = false;
            return result;
        }
        finally
        {
            EndWriterTurn(faulted);
        }
    }

    /// <summary>The writer connection, opened (PRAGMAs and all) if there is none. Call only holding the writer turn.</summary>
    private async Task<SqliteWriterConnection> WriterAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_writer is { } writer)
        {
            return writer;
        }

        writer = _writer = await SqliteWriterConnection.OpenAsync(_connectionString, WriterPragmas, cancellationToken);
        if (_backgroundCheckpoint && _checkpointer is null)
        {
            Volatile.Write(ref _checkpointer, new SqliteCheckpointer(
                _connectionString, _synchronous, _checkpointPages, RestartPages, _logger));
        }

        return writer;
    }

    /// <summary>
    /// Ends a writer turn: keeps the connection for the next one unless the turn failed in the database or left a
    /// transaction open (then it is closed, and the next turn opens a new one), and hands the turn on.
    /// </summary>
    private void EndWriterTurn(bool faulted)
    {
        try
        {
            if (_writer is { } writer && (faulted || !writer.IsOutsideTransaction))
            {
                LogWriterDiscarded();
                DiscardWriter();
            }
            else if (_writer is { } kept && _checkpointer is { } checkpointer)
            {
                // The pages this turn wrote to the WAL (read and reset: one call, no I/O).
                SQLitePCL.raw.sqlite3_db_status(kept.Handle, SQLitePCL.raw.SQLITE_DBSTATUS_CACHE_WRITE, out var pages, out _, 1);
                checkpointer.Written(pages);
                checkpointer.CompleteIfDue(kept);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void DiscardWriter()
    {
        var writer = _writer;
        _writer = null;
        writer?.Dispose();
    }

    // With the background checkpoint the writer checkpoints only when the checkpointer has fallen behind (a burst of
    // writes faster than it copies): SQLite's own checkpoint at twice the WAL length the checkpointer restarts at, which
    // bounds the WAL as before. Without it, SQLite's own at CheckpointPages.
    private string WriterPragmas => $"PRAGMA synchronous={_synchronous}; PRAGMA foreign_keys=ON;{_maxPageCount} PRAGMA wal_autocheckpoint=" +
        (_backgroundCheckpoint ? 2 * RestartPages : _checkpointPages).ToString(System.Globalization.CultureInfo.InvariantCulture) + ";";

    private int RestartPages => 4 * _checkpointPages;

    // Schema creation writes outside the writer turn (before any session), on a connection set up as the writer's.
    private async Task<SqliteConnection> OpenWithPragmasAsync(CancellationToken cancellationToken)
    {
        var connection = (SqliteConnection)await OpenReadConnectionAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = WriterPragmas;
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SQLite schema migration {Version} ({Name}) applied")]
    private partial void LogMigrated(int version, string name);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite writer connection closed after a failed write; the next write opens a new one")]
    private partial void LogWriterDiscarded();

    [LoggerMessage(Level = LogLevel.Information, Message = "SQLite resource store ready at {Path}, schema version {Version}")]
    private partial void LogInitialized(string path, int version);
}
