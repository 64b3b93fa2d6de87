using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using PatientVoice.Storage.Indexing;

namespace PatientVoice.Storage;

/// <summary>What registering any <see cref="SqlResourceStore"/> takes: its options, the clock, search indexing, and the store as the port and the outbox.</summary>
internal static class SqlResourceStoreRegistration
{
    public static IServiceCollection AddSqlResourceStore<TStore, TOptions>(this IServiceCollection services, Action<TOptions>? configure, Func<IServiceProvider, TStore> create)
        where TStore : SqlResourceStore
        where TOptions : class
    {
        var options = services.AddOptions<TOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddSearchIndexing();
        services.TryAddSingleton(create);
        services.TryAddSingleton<IResourceStore>(sp => sp.GetRequiredService<TStore>());
        services.TryAddSingleton<Outbox.IOutbox>(sp => sp.GetRequiredService<TStore>());
        services.TryAddSingleton<Faults.IStoreProbe>(sp => sp.GetRequiredService<TStore>());
        return services;
    }
}
