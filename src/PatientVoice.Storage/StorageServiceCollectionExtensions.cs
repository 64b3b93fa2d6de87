using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
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
        services.TryAddSingleton<SqliteSearchExecutor>();
        services.TryAddSingleton<SqliteResourceStore>();
        services.TryAddSingleton<IResourceStore>(sp => sp.GetRequiredService<SqliteResourceStore>());
        return services;
    }
}
