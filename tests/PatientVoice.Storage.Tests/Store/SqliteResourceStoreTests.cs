using Microsoft.Extensions.DependencyInjection;
using PatientVoice.Storage.Sqlite;

namespace PatientVoice.Storage.Tests.Store;

/// <summary>The store contract on a real SQLite file in a fresh temporary folder.</summary>
public sealed class SqliteResourceStoreTests : ResourceStoreContract
{
    private readonly string _directory = Directory.CreateTempSubdirectory("pv-store-").FullName;
    private ServiceProvider? _services;

    protected override async Task<IResourceStore> CreateStoreAsync()
    {
        _services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(Clock)
            .AddSqliteResourceStore(o => o.Path = Path.Combine(_directory, "store.db"))
            .BuildServiceProvider();
        var store = _services.GetRequiredService<IResourceStore>();
        await store.InitializeAsync(default);
        return store;
    }

    [Fact]
    public async Task The_database_is_in_WAL_mode()
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(_directory, "store.db")}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    public override async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }
}
