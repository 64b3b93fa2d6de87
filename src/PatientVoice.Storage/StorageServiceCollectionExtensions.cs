using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Sqlite;

namespace PatientVoice.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>The SQLite store (configure <see cref="SqliteStoreOptions"/>), the search index and the search parser.</summary>
    public static IServiceCollection AddSqliteResourceStore(this IServiceCollection services, Action<SqliteStoreOptions>? configure = null)
        => services.AddSqlResourceStore(configure, sp => new SqliteResourceStore(
            sp.GetRequiredService<IOptions<SqliteStoreOptions>>(),
            sp.GetRequiredService<ISearchIndexer>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SqliteResourceStore>>()));
}
