using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Postgres;
using PatientVoice.Testing;

namespace PatientVoice.Storage.Tests.Search;

/// <summary>PostgreSQL stores, each in its own database of the test run's throwaway server.</summary>
public sealed class PostgresSearchStoreFixture : SearchStoreFixture
{
    private readonly List<PostgresResourceStore> _stores = [];

    public override async Task<IResourceStore> CreateStoreAsync(SearchParameterRegistry registry)
    {
        var server = await PostgresServer.SharedAsync();
        var options = Options.Create(new PostgresStoreOptions { ConnectionString = await server.CreateDatabaseAsync("search") });
        var store = new PostgresResourceStore(options, new SearchIndexer(registry), TimeProvider.System, NullLogger<PostgresResourceStore>.Instance);
        _stores.Add(store);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    public override async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }
    }
}

public sealed class PostgresSearchStoreTests(PostgresSearchStoreFixture fixture)
    : SearchStoreTests<PostgresSearchStoreFixture>(fixture), IClassFixture<PostgresSearchStoreFixture>;
