using Microsoft.Data.Sqlite;
using PatientVoice.Storage.Sqlite;

namespace PatientVoice.Storage.Tests.Store;

/// <summary>The writer connection's kept statements: one command per SQL text, handed back on disposal, bounded.</summary>
public sealed class SqliteStatementCacheTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");
    private readonly SqliteStatementCache _cache;

    public SqliteStatementCacheTests()
    {
        _connection.Open();
        using var create = _connection.CreateCommand();
        create.CommandText = "CREATE TABLE t (v INTEGER)";
        create.ExecuteNonQuery();
        _cache = new SqliteStatementCache(_connection);
    }

    [Fact]
    public async Task A_statement_run_again_gets_the_same_command_back_without_the_last_values()
    {
        SqliteCommand first;
        await using (first = _cache.Get("INSERT INTO t (v) VALUES ($v)", null))
        {
            first.Parameters.AddWithValue("$v", 1);
            await first.ExecuteNonQueryAsync();
        }

        await using var second = _cache.Get("INSERT INTO t (v) VALUES ($v)", null);

        Assert.Same(first, second);
        Assert.Empty(second.Parameters);
        second.Parameters.AddWithValue("$v", 2);
        await second.ExecuteNonQueryAsync();
        Assert.Equal(3L, await SumAsync());
        Assert.Equal(1, _cache.Count);
    }

    [Fact]
    public async Task A_statement_asked_for_while_its_command_is_in_use_gets_one_of_its_own()
    {
        await using var outer = _cache.Get("SELECT 1", null);
        await using var reader = await outer.ExecuteReaderAsync();

        await using var inner = _cache.Get("SELECT 1", null);

        Assert.NotSame(outer, inner);
        Assert.Equal(1L, await inner.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Past_its_capacity_the_cache_keeps_no_more_and_the_statements_still_run()
    {
        for (var i = 0; i < SqliteStatementCache.Capacity + 10; i++)
        {
            await using var command = _cache.Get($"SELECT {i}", null);
            Assert.Equal((long)i, await command.ExecuteScalarAsync());
        }

        Assert.Equal(SqliteStatementCache.Capacity, _cache.Count);
    }

    public void Dispose()
    {
        _cache.Dispose();
        _connection.Dispose();
    }

    private async Task<long> SumAsync()
    {
        await using var command = _connection.CreateCommand();
        command.CommandText = "SELECT SUM(v) FROM t";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
