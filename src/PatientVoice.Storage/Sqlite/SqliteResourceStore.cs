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
/// them spin on SQLITE_BUSY).
/// </summary>
public sealed partial class SqliteResourceStore : SqlResourceStore, IDisposable
{
    private readonly string _connectionString;
    private readonly string _synchronous;
    private readonly string _maxPageCount;
    private readonly ILogger<SqliteResourceStore> _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

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
        _logger = logger;
    }

    public string DatabasePath { get; }

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var directory = System.IO.Path.GetDirectoryName(DatabasePath);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = await OpenAsync(cancellationToken);
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
        SqliteConnection? connection = null;
        try
        {
            connection = await OpenAsync(cancellationToken);
            // BEGIN IMMEDIATE: take the write lock now, so reads inside the session see what it will write over.
            var transaction = connection.BeginTransaction(deferred: false);
            return new SqliteWriteSession(connection, transaction, Indexer, Search, _writeLock, Time);
        }
        catch
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }

            _writeLock.Release();
            throw;
        }
    }

    public void Dispose() => _writeLock.Dispose();

    private protected override async Task<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken)
        => await OpenAsync(cancellationToken);

    // Claims and outcomes are short write transactions taking the writer turn, like a write session.
    private protected override async Task<T> RunOutboxChangeAsync<T>(Func<DbConnection, DbTransaction?, Task<T>> change, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            await using var connection = await OpenAsync(cancellationToken);
            await using var transaction = connection.BeginTransaction(deferred: false);
            var result = await change(connection, transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA synchronous={_synchronous}; PRAGMA foreign_keys=ON;{_maxPageCount}";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SQLite schema migration {Version} ({Name}) applied")]
    private partial void LogMigrated(int version, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "SQLite resource store ready at {Path}, schema version {Version}")]
    private partial void LogInitialized(string path, int version);
}
