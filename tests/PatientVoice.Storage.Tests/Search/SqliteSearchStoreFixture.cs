using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Sqlite;

namespace PatientVoice.Storage.Tests.Search;

/// <summary>SQLite stores in files under one temporary directory, removed at the end.</summary>
public sealed class SqliteSearchStoreFixture : SearchStoreFixture
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pv-search-").FullName;
    private readonly List<SqliteResourceStore> _stores = [];

    public override async Task<IResourceStore> CreateStoreAsync(SearchParameterRegistry registry)
    {
        var options = Options.Create(new SqliteStoreOptions { Path = Path.Combine(_directory, $"store{_stores.Count}.db") });
        var store = new SqliteResourceStore(options, new SearchIndexer(registry), TimeProvider.System, NullLogger<SqliteResourceStore>.Instance);
        _stores.Add(store);
        await store.InitializeAsync(CancellationToken.None);
        return store;
    }

    public override Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class SqliteSearchStoreTests(SqliteSearchStoreFixture fixture)
    : SearchStoreTests<SqliteSearchStoreFixture>(fixture), IClassFixture<SqliteSearchStoreFixture>;
