using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Sqlite;

namespace PatientVoice.Storage;

public static class StorageServiceCollectionExtensions
{
    /// <summary>The SQLite store (configure <see cref="SqliteStoreOptions"/>), the search index and the search parser.</summary>
    public static IServiceCollection AddSqliteResourceStore(this IServiceCollection services, Action<SqliteStoreOptions>? configure = null)
    {
        var options = services.AddOptions<SqliteStoreOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSearchIndexing();
        services.TryAddSingleton(sp => new SqliteResourceStore(
            sp.GetRequiredService<IOptions<SqliteStoreOptions>>(),
            sp.GetRequiredService<ISearchIndexer>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<SqliteResourceStore>>()));
        services.TryAddSingleton<IResourceStore>(sp => sp.GetRequiredService<SqliteResourceStore>());
        services.TryAddSingleton<Outbox.IOutbox>(sp => sp.GetRequiredService<SqliteResourceStore>());
        return services;
    }
}
