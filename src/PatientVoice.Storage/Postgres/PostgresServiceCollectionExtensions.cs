using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using PatientVoice.Storage.Indexing;

namespace PatientVoice.Storage.Postgres;

public static class PostgresServiceCollectionExtensions
{
    /// <summary>The PostgreSQL store (configure <see cref="PostgresStoreOptions"/>), the search index and the search parser.</summary>
    public static IServiceCollection AddPostgresResourceStore(this IServiceCollection services, Action<PostgresStoreOptions>? configure = null)
        => services.AddSqlResourceStore(configure, sp => new PostgresResourceStore(
            sp.GetRequiredService<IOptions<PostgresStoreOptions>>(),
            sp.GetRequiredService<ISearchIndexer>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<PostgresResourceStore>>()));
}
