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
    /// <summary>
    /// The SQLite file for <paramref name="dataset"/>: reused when the file beside it (<c>FILE.dataset</c>) says it was
    /// loaded with this very data set (version, resources, patients); otherwise (a file from an older data set, or from
    /// other sizes) deleted and loaded again, so a stale file is never measured silently.
    /// </summary>
    public static async Task EnsureAsync(string databasePath, SyntheticDataset dataset, int batchSize, CancellationToken cancellationToken)
    {
        var signatureFile = databasePath + ".dataset";
        if (File.Exists(databasePath))
        {
            var recorded = File.Exists(signatureFile) ? (await File.ReadAllTextAsync(signatureFile, cancellationToken)).Trim() : null;
            if (recorded == dataset.Signature)
            {
                Console.WriteLine($"reusing {databasePath} ({recorded}; delete it to reload)");
                return;
            }

            Console.WriteLine($"{databasePath} holds {recorded ?? "a data set of an older version (no " + Path.GetFileName(signatureFile) + ")"}, not {dataset.Signature}: deleting it and loading again");
            foreach (var file in new[] { databasePath, databasePath + "-wal", databasePath + "-shm", signatureFile })
            {
                File.Delete(file);
            }
        }

        Console.WriteLine($"loading {dataset.Resources:N0} resources over {dataset.Patients:N0} patients into {databasePath}");
        await LoadAsync(databasePath, dataset, batchSize, cancellationToken);
        await File.WriteAllTextAsync(signatureFile, dataset.Signature + Environment.NewLine, cancellationToken);
    }

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
