using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Search;
using PatientVoice.Storage.Search.Sql;

namespace PatientVoice.Storage.Sqlite;

/// <summary>
/// The embedded store: one SQLite file in WAL mode. Readers run concurrently on pooled connections;
/// writers take turns (SQLite has one writer at a time, and queueing them here is cheaper than letting
/// them spin on SQLITE_BUSY).
/// </summary>
public sealed partial class SqliteResourceStore : IResourceStore, Outbox.IOutbox, IDisposable
{
    private readonly string _connectionString;
    private readonly string _synchronous;
    private readonly ISearchIndexer _indexer;
    private readonly SqliteSearchExecutor _search;
    private readonly ILogger<SqliteResourceStore> _logger;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly TimeProvider _time;

    internal SqliteResourceStore(IOptions<SqliteStoreOptions> options, ISearchIndexer indexer, SqliteSearchExecutor search, TimeProvider time, ILogger<SqliteResourceStore> logger)
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
        _indexer = indexer;
        _search = search;
        _time = time;
        _logger = logger;
    }

    public string DatabasePath { get; }

    public async Task InitializeAsync(CancellationToken cancellationToken)
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

        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var ddl = connection.CreateCommand())
        {
            ddl.Transaction = transaction;
            ddl.CommandText = SqliteSchema.Resources + SqliteSearchIndex.Schema + SqliteSchema.Outbox;
            await ddl.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        LogInitialized(DatabasePath);
    }

    public async Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await SqlResourceReader.ReadCurrentAsync(connection, SqliteDialect.Instance, resourceType, id, cancellationToken);
    }

    public async Task<StoredResource?> ReadVersionAsync(string resourceType, string id, int versionId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await SqlResourceReader.ReadVersionAsync(connection, SqliteDialect.Instance, resourceType, id, versionId, cancellationToken);
    }

    public async Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await SqlHistoryReader.ReadAsync(connection, SqliteDialect.Instance, query, cancellationToken);
    }

    public async Task<SearchResult> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken);
        return await _search.ExecuteAsync(connection, null, query, cancellationToken);
    }

    public PreparedResource Prepare(Hl7.Fhir.Model.Resource resource) => new(resource, _indexer.Extract(resource));

    public async Task<IResourceWriteSession> BeginWriteAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        SqliteConnection? connection = null;
        try
        {
            connection = await OpenAsync(cancellationToken);
            // BEGIN IMMEDIATE: take the write lock now, so reads inside the session see what it will write over.
            var transaction = connection.BeginTransaction(deferred: false);
            return new SqliteWriteSession(connection, transaction, _indexer, _search, _writeLock, _time);
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

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = $"PRAGMA synchronous={_synchronous}; PRAGMA foreign_keys=ON;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SQLite resource store ready at {Path}")]
    private partial void LogInitialized(string path);
}
