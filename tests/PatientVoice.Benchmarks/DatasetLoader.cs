using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Storage;
using PatientVoice.Storage.Postgres;

namespace PatientVoice.Benchmarks;

/// <summary>
/// Fills a SQLite file through the store itself (the Storage project's DI registration, so versions and
/// search-index rows are written exactly as the server writes them), many resources per transaction.
/// </summary>
internal static class DatasetLoader
{
    public static async Task LoadAsync(string databasePath, SyntheticDataset dataset, int batchSize, CancellationToken cancellationToken)
    {
        await LoadThroughAsync(new ServiceCollection().AddLogging().AddSqliteResourceStore(o => o.Path = databasePath), dataset, batchSize, cancellationToken);

        // Hand the server a file without a large WAL and without connections still open in our pool.
        SqliteConnection.ClearAllPools();
        await using (var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False"))
        {
            await connection.OpenAsync(cancellationToken);
            await using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            await checkpoint.ExecuteNonQueryAsync(cancellationToken);
        }

        Console.WriteLine($"database {new FileInfo(databasePath).Length / (1024.0 * 1024.0):F0} MiB");
    }

    /// <summary>The same load into a PostgreSQL database, through the PostgreSQL adapter.</summary>
    public static Task LoadPostgresAsync(string connectionString, SyntheticDataset dataset, int batchSize, CancellationToken cancellationToken)
        => LoadThroughAsync(new ServiceCollection().AddLogging().AddPostgresResourceStore(o => o.ConnectionString = connectionString), dataset, batchSize, cancellationToken);

    private static async Task LoadThroughAsync(IServiceCollection services, SyntheticDataset dataset, int batchSize, CancellationToken cancellationToken)
    {
        await using (var provider = services.BuildServiceProvider())
        {
            var store = provider.GetRequiredService<IResourceStore>();
            await store.InitializeAsync(cancellationToken);

            var clock = Stopwatch.StartNew();
            var written = 0;
            IResourceWriteSession? session = null;
            try
            {
                foreach (var resource in dataset.Generate())
                {
                    session ??= await store.BeginWriteAsync(cancellationToken);
                    await session.PutAsync(resource, null, cancellationToken);
                    if (++written % batchSize == 0)
                    {
                        await session.CommitAsync(cancellationToken);
                        await session.DisposeAsync();
                        session = null;
                    }

                    if (written % 100_000 == 0)
                    {
                        Console.WriteLine($"  loaded {written:N0} in {clock.Elapsed.TotalSeconds:F0} s ({written / clock.Elapsed.TotalSeconds:F0}/s)");
                    }
                }

                if (session is not null)
                {
                    await session.CommitAsync(cancellationToken);
                }
            }
            finally
            {
                if (session is not null)
                {
                    await session.DisposeAsync();
                }
            }

            Console.WriteLine($"loaded {written:N0} resources in {clock.Elapsed.TotalSeconds:F1} s ({written / clock.Elapsed.TotalSeconds:F0}/s), {batchSize} per transaction");
        }
    }
}
