using Npgsql;
using PatientVoice.Testing;

namespace PatientVoice.Benchmarks;

/// <summary>
/// Where a benchmark's server keeps its data. SQLite (the default) is a file; with
/// <c>--Storage:Provider=Postgres</c> it is a fresh database on a throwaway PostgreSQL cluster started here
/// with the server's durable defaults (<c>fsync</c> and <c>synchronous_commit</c> on), or the database named by
/// <c>--Storage:Postgres:ConnectionString</c>. The server gets the connection string on its command line.
/// </summary>
internal sealed class BenchmarkDatabase : IAsyncDisposable
{
    private readonly PostgresServer? _server;

    private BenchmarkDatabase(string? connectionString, PostgresServer? server)
    {
        ConnectionString = connectionString;
        _server = server;
    }

    /// <summary>The PostgreSQL connection string, or null for SQLite.</summary>
    public string? ConnectionString { get; }

    public bool IsPostgres => ConnectionString is not null;

    public static async Task<BenchmarkDatabase> OpenAsync(BenchmarkArguments args)
    {
        var provider = args.ServerSetting("Storage:Provider");
        if (provider is null || provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            return new BenchmarkDatabase(null, null);
        }

        if (args.ServerSetting("Storage:Postgres:ConnectionString") is { } given)
        {
            Console.WriteLine($"PostgreSQL: the given database ({new NpgsqlConnectionStringBuilder(given).Database})");
            return new BenchmarkDatabase(given, null);
        }

        var server = await PostgresServer.StartAsync();
        var connectionString = await server.CreateDatabaseAsync("bench");
        Console.WriteLine($"PostgreSQL: a throwaway cluster on 127.0.0.1:{server.Port} ({await VersionAsync(connectionString)}), durable defaults");
        return new BenchmarkDatabase(connectionString, server);
    }

    /// <summary>The server's extra command line: the benchmark's server options plus, for PostgreSQL, the connection string.</summary>
    public IReadOnlyList<string> ServerArguments(BenchmarkArguments args)
        => IsPostgres && args.ServerSetting("Storage:Postgres:ConnectionString") is null
            ? [.. args.ServerArguments, $"--Storage:Postgres:ConnectionString={ConnectionString}"]
            : args.ServerArguments;

    /// <summary>How many resources the PostgreSQL database already holds (0 when it has no tables yet).</summary>
    public async Task<long> CountResourcesAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('resource') IS NOT NULL", connection))
        {
            if (await exists.ExecuteScalarAsync() is not true)
            {
                return 0;
            }
        }

        await using var count = new NpgsqlCommand("SELECT COUNT(*) FROM resource", connection);
        return Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>Refreshes the planner's statistics and reports the database's size.</summary>
    public async Task AnalyzeAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using (var analyze = new NpgsqlCommand("VACUUM ANALYZE", connection))
        {
            analyze.CommandTimeout = 600;
            await analyze.ExecuteNonQueryAsync();
        }

        await using var size = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
        Console.WriteLine($"database {Convert.ToInt64(await size.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture) / (1024.0 * 1024.0):F0} MiB");
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    private static async Task<string> VersionAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        return "PostgreSQL " + connection.PostgreSqlVersion;
    }
}
