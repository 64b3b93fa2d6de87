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
    private readonly SqliteWriterTurn _turn;

    // Used only while holding the writer turn; null until the first write and after a fault discarded it.
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
        _turn = new SqliteWriterTurn(WriterAsync, DiscardWriter, WriterCommitted, options.Value.GroupCommit);
    }

    public string DatabasePath { get; }

    /// <summary>Write sessions whose writes were committed by one COMMIT together with another session's (group commit).</summary>
    internal long SharedCommits => _turn.SharedCommits;

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
        => new SqliteWriteSession(await _turn.BeginSessionAsync(background: false, cancellationToken), Indexer, Search, Time);

    public override async Task<IResourceWriteSession> BeginBackgroundWriteAsync(CancellationToken cancellationToken)
        => new SqliteWriteSession(await _turn.BeginSessionAsync(background: true, cancellationToken), Indexer, Search, Time);

    /// <summary>Commits what waits to be committed and closes the writer connection, once the write in progress (if any) has ended.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        // A session never disposed would hold the turn for ever: then leave its connection to the process's end. The
        // checkpointer goes first (after its pass in progress, if any); then the writer, the last connection, closes.
        _turn.Close(TimeSpan.FromSeconds(30), () =>
        {
            _checkpointer?.Dispose();
            _checkpointer = null;
        });
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

    // Claims and outcomes are short write transactions taking the writer turn, like a write session, each committed alone.
    private protected override Task<T> RunOutboxChangeAsync<T>(Func<DbConnection, DbTransaction?, Task<T>> change, CancellationToken cancellationToken)
        => _turn.RunAloneAsync((writer, transaction) => change(writer, transaction), cancellationToken);

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

    /// <summary>A writer turn ended with everything on the writer committed: counts the pages it wrote to the WAL, checkpoints if due.</summary>
    private void WriterCommitted(SqliteWriterConnection writer)
    {
        if (_checkpointer is { } checkpointer)
        {
            // The pages written to the WAL since the last count (read and reset: one call, no I/O).
            SQLitePCL.raw.sqlite3_db_status(writer.Handle, SQLitePCL.raw.SQLITE_DBSTATUS_CACHE_WRITE, out var pages, out _, 1);
            checkpointer.Written(pages);
            checkpointer.CompleteIfDue(writer);
        }
    }

    /// <summary>Closes the writer connection (after a fault, or as the store is disposed); the next turn opens a new one.</summary>
    private void DiscardWriter()
    {
        var writer = _writer;
        _writer = null;
        if (writer is not null && !_disposed)
        {
            LogWriterDiscarded();
        }

        writer?.Dispose();
    }

    // With the background checkpoint the writer checkpoints only when the checkpointer has fallen behind (a burst of
    // writes faster than it copies): SQLite's own checkpoint at twice the WAL length the checkpointer restarts at, which
    // bounds the WAL as before. Without it, SQLite's own at CheckpointPages.
    // temp_store=MEMORY: a session that is a savepoint in a shared transaction (group commit) keeps the pages it changes in
    // memory (SQLite's sub-journal, for rolling back to the savepoint) instead of a temporary file once past 64 KiB.
    private string WriterPragmas => $"PRAGMA synchronous={_synchronous}; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;{_maxPageCount} PRAGMA wal_autocheckpoint=" +
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
