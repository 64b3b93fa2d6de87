using System.Data;
using System.Data.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using PatientVoice.Storage.Indexing;

namespace PatientVoice.Storage.Postgres;

/// <summary>
/// The store for deployments of several stateless PatientVoice instances sharing one PostgreSQL database.
/// Reads use pooled connections; each write session is one READ COMMITTED transaction whose row and advisory
/// locks make it safe against writers in other instances (docs/adr/0016-postgresql-store.md).
/// </summary>
public sealed partial class PostgresResourceStore : SqlResourceStore, IAsyncDisposable, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly ILogger<PostgresResourceStore> _logger;

    internal PostgresResourceStore(IOptions<PostgresStoreOptions> options, ISearchIndexer indexer, TimeProvider time, ILogger<PostgresResourceStore> logger)
        : base(PostgresDialect.Instance, indexer, time)
    {
        var connectionString = options.Value.ConnectionString;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException("Storage:Postgres:ConnectionString is required when Storage:Provider is Postgres.", nameof(options));
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        Host = builder.Host ?? "(default host)";
        Database = builder.Database ?? "(default database)";
        if (!connectionString.Contains("AutoPrepare", StringComparison.OrdinalIgnoreCase) && !connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            // The search and write SQL has a few dozen shapes, each run many times with new parameters: prepared
            // on the server after two uses, a Goal?patient= skips its ~0.5 ms of planning. Setting "Max Auto
            // Prepare" in the connection string (0 to turn it off) overrides this.
            builder.MaxAutoPrepare = 256;
        }

        // Fail fast while the server is down or restarting (docs/operations.md): a connect that gets no answer gives up
        // after 5 s rather than Npgsql's 15, so a request answers 503 instead of hanging. A connection string that names
        // a timeout keeps it. A command's own timeout stays Npgsql's 30 s (exports and long searches are legitimate).
        if (!Names(connectionString, "Timeout", "Connect Timeout", "Connection Timeout"))
        {
            builder.Timeout = 5;
        }

        // A connection handed back to the pool is not reset: Npgsql's reset runs seven statements (RESET ALL, DISCARD
        // TEMP, UNLISTEN *, …) on the next use, about three times per submission, a fifth of every statement PostgreSQL ran
        // for us (pg_stat_statements, docs/benchmarks.md issue 19, ninth session). The store leaves no session state behind
        // to reset: its locks are transaction-scoped (pg_advisory_xact_lock, FOR UPDATE), it sets no parameters, creates no
        // temporary tables and listens to nothing. A connection string that names the setting keeps it.
        if (!Names(connectionString, "No Reset On Close", "NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        _dataSource = NpgsqlDataSource.Create(builder.ConnectionString);
        _logger = logger;
    }

    /// <summary>The server and database named by the connection string (never its credentials).</summary>
    public string Host { get; }

    public string Database { get; }

    public override async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
        // Instances that start together migrate one at a time; the later ones find the work done.
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(@key)", cancellationToken, ("key", PostgresSchema.MigrationLockKey));
        await ExecuteAsync(connection, PostgresSchema.MigrationTable, cancellationToken);
        await using var current = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM schema_migration", connection);
        var version = Convert.ToInt32(await current.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        var latest = PostgresSchema.Migrations[^1].Version;
        if (version > latest)
        {
            throw new SchemaVersionException(
                $"The PostgreSQL database {Database} has schema version {version}, newer than this build knows ({latest}); run a newer PatientVoice.");
        }

        foreach (var (number, name, sql) in PostgresSchema.Migrations.Where(m => m.Version > version))
        {
            await ExecuteAsync(connection, sql, cancellationToken);
            await ExecuteAsync(connection, "INSERT INTO schema_migration (version, name) VALUES (@version, @name)", cancellationToken, ("version", number), ("name", name));
            LogMigrated(number, name);
        }

        await transaction.CommitAsync(cancellationToken);
        LogInitialized(Host, Database, Math.Max(version, latest));
    }

    public override async Task<IResourceWriteSession> BeginWriteAsync(CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            // READ COMMITTED on purpose: each statement sees what committed before it, so a session that waited
            // for a lock sees the winner's rows. Npgsql sends BEGIN with the first statement (no extra round trip).
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);
            return new PostgresWriteSession(connection, transaction, Indexer, Search, Time);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();

    private protected override async Task<DbConnection> OpenReadConnectionAsync(CancellationToken cancellationToken)
        => await _dataSource.OpenConnectionAsync(cancellationToken);

    // Each claim or outcome is one statement in its own transaction: a claim locks the due rows it takes and skips
    // those another instance's claim holds (FOR UPDATE SKIP LOCKED), so no message is handed to two workers.
    private protected override async Task<T> RunOutboxChangeAsync<T>(Func<DbConnection, DbTransaction?, Task<T>> change, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await change(connection, null);
    }

    // Whether the connection string sets one of these keywords itself (Npgsql's keywords are case-insensitive).
    private static bool Names(string connectionString, params string[] keywords)
        => connectionString.Split(';').Select(part => part.Split('=')[0].Trim())
            .Any(key => keywords.Contains(key, StringComparer.OrdinalIgnoreCase));

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL schema migration {Version} ({Name}) applied")]
    private partial void LogMigrated(int version, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "PostgreSQL resource store ready: host {Host}, database {Database}, schema version {Version}")]
    private partial void LogInitialized(string host, string database, int version);
}
