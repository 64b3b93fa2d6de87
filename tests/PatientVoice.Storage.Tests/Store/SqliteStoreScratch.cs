using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Storage.Sqlite;

namespace PatientVoice.Storage.Tests.Store;

/// <summary>
/// SQLite stores on one database file in a temporary directory, opened through the services as a host does, released
/// (stores disposed, pooled connections closed) as a host does when it stops; the directory is removed at the end.
/// </summary>
public sealed class SqliteStoreScratch : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pv-store-").FullName;
    private readonly List<ServiceProvider> _services = [];

    public string DatabasePath => Path.Combine(_directory, "store.db");

    public string PathOf(string fileName) => Path.Combine(_directory, fileName);

    public async Task<IResourceStore> OpenStoreAsync(Action<SqliteStoreOptions>? configure = null)
    {
        var services = new ServiceCollection().AddLogging()
            .AddSqliteResourceStore(o =>
            {
                o.Path = DatabasePath;
                configure?.Invoke(o);
            })
            .BuildServiceProvider();
        _services.Add(services);
        var store = services.GetRequiredService<IResourceStore>();
        await store.InitializeAsync(default);
        return store;
    }

    /// <summary>The first value <paramref name="sql"/> answers, read on a connection of its own to the database file.</summary>
    public async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }

    /// <summary>Disposes the stores and closes the pooled connections, as a host does when it stops.</summary>
    public void ReleaseStores()
    {
        foreach (var services in _services)
        {
            services.Dispose();
        }

        _services.Clear();
        SqliteConnection.ClearAllPools();
    }

    /// <summary>The files this process has open (Linux: /proc/self/fd).</summary>
    public static IEnumerable<string> OpenFilesOfThisProcess()
    {
        foreach (var fd in Directory.EnumerateFileSystemEntries("/proc/self/fd"))
        {
            string? target = null;
            try
            {
                target = new FileInfo(fd).LinkTarget;
            }
            catch (IOException)
            {
            }

            if (target is not null)
            {
                yield return target;
            }
        }
    }

    public void Dispose()
    {
        ReleaseStores();
        Directory.Delete(_directory, recursive: true);
    }
}
