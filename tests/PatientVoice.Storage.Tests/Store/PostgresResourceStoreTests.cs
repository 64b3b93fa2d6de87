using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using PatientVoice.Storage.Postgres;
using PatientVoice.Testing;

namespace PatientVoice.Storage.Tests.Store;

/// <summary>The store contract on a fresh database of the test run's throwaway PostgreSQL server.</summary>
public sealed class PostgresResourceStoreTests : ResourceStoreContract
{
    private readonly List<ServiceProvider> _services = [];
    private string _connectionString = "";

    protected override async Task<IResourceStore> CreateStoreAsync()
    {
        var server = await PostgresServer.SharedAsync();
        _connectionString = await server.CreateDatabaseAsync("store");
        return await OpenStoreAsync();
    }

    public override async Task DisposeAsync()
    {
        foreach (var services in _services)
        {
            await services.DisposeAsync();
        }
    }

    [Fact]
    public async Task Connections_go_back_to_the_pool_unreset_and_holding_nothing_a_reset_would_have_cleared()
    {
        // The store turns Npgsql's reset on close off (a fifth of the statements PostgreSQL ran for a submission): that is
        // only right while no session leaves state behind. After conditional searches (the advisory lock, shared and
        // exclusive), writes and a rolled-back session, every idle connection of the pool holds no lock and no transaction.
        var query = new PatientVoice.Storage.Search.SearchQueryParser(new PatientVoice.Storage.Indexing.SearchParameterRegistry())
            .Parse("Goal", [new("patient", "Patient/store-test")], strict: true);
        for (var i = 0; i < 3; i++)
        {
            await using (var session = await Store.BeginWriteAsync(default))
            {
                await session.SearchAsync(query, default);
                await session.SearchAsync(query, "scope-" + i, default);
                await session.PutAsync(Goal("written " + i), null, default);
                await session.CommitAsync(default);
            }

            await using (var abandoned = await Store.BeginWriteAsync(default))
            {
                await abandoned.SearchAsync(query, "scope-abandoned", default);
                await abandoned.PutAsync(Goal("never committed"), null, default);
            }
        }

        // The pool's idle connections: at least one, every one idle outside a transaction, none holding a lock.
        Assert.Equal([true], await QueryAsync(
            "SELECT COUNT(*) > 0 AND bool_and(state = 'idle') FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
            r => r.GetBoolean(0)));
        Assert.Equal([0L], await QueryAsync(
            "SELECT COUNT(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid WHERE a.datname = current_database() AND a.pid <> pg_backend_pid() AND l.locktype IN ('advisory', 'transactionid')",
            r => r.GetInt64(0)));
    }

    [Fact]
    public async Task Initializing_again_changes_nothing_and_records_the_schema_version_once()
    {
        var id = (await WriteAsync(Goal("kept across starts"))).Id;

        var second = await OpenStoreAsync();

        Assert.Contains("kept across starts", (await second.ReadAsync("Goal", id, default))!.Json, StringComparison.Ordinal);
        Assert.Equal(PostgresSchema.Migrations.Select(m => m.Version), await QueryAsync("SELECT version FROM schema_migration ORDER BY version", r => r.GetInt32(0)));
    }

    [Fact]
    public async Task Instances_that_start_together_migrate_the_schema_once()
    {
        var server = await PostgresServer.SharedAsync();
        _connectionString = await server.CreateDatabaseAsync("together");

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => OpenStoreAsync()));

        Assert.Equal(PostgresSchema.Migrations.Select(m => m.Version), await QueryAsync("SELECT version FROM schema_migration ORDER BY version", r => r.GetInt32(0)));
    }

    [Fact]
    public async Task A_database_with_a_newer_schema_than_this_build_is_refused_at_start()
    {
        await QueryAsync("INSERT INTO schema_migration (version, name) VALUES (999, 'from the future') RETURNING version", r => r.GetInt32(0));

        var error = await Assert.ThrowsAsync<SchemaVersionException>(OpenStoreAsync);

        Assert.Contains("schema version 999", error.Message, StringComparison.Ordinal);
        Assert.Contains($"({PostgresSchema.Migrations[^1].Version})", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timestamps_are_stored_in_milliseconds_and_ids_are_version_7_guids()
    {
        var stored = await WriteAsync(Goal("time-ordered"));

        Assert.Equal(7, Guid.ParseExact(stored.Id, "N").Version);
        var millis = Assert.Single(await QueryAsync($"SELECT last_updated FROM resource WHERE resource_id = '{stored.Id}'", r => r.GetInt64(0)));
        Assert.Equal(stored.LastUpdated.ToUnixTimeMilliseconds(), millis);
    }

    [Fact]
    public async Task A_write_that_only_looks_up_never_waits_for_a_conditional_interaction_of_another_instance_and_a_conditional_one_does()
    {
        var other = await OpenStoreAsync();
        var query = new PatientVoice.Storage.Search.SearchQueryParser(new PatientVoice.Storage.Indexing.SearchParameterRegistry())
            .Parse("Goal", [new("patient", "Patient/store-test")], strict: true);

        // A conditional interaction of this instance has searched: it holds the conditional lock until it ends.
        var conditional = await Store.BeginWriteAsync(default);
        await conditional.SearchAsync(query, default);

        // The other instance writes a goal after looking up (as the subscription notifier does): it commits meanwhile.
        var lookingUp = Task.Run(async () =>
        {
            await using var session = await other.BeginWriteAsync(default);
            await session.LookUpAsync(query, default);
            var written = await session.PutAsync(Goal("looked up, then written"), null, default);
            await session.CommitAsync(default);
            return written.Stored.Id;
        });
        Assert.Same(lookingUp, await Task.WhenAny(lookingUp, Task.Delay(TimeSpan.FromSeconds(60))));
        Assert.NotNull(await other.ReadAsync("Goal", await lookingUp, default));

        // A conditional search of the other instance waits for the first to end (ADR 0016), then runs.
        var deciding = Task.Run(async () =>
        {
            await using var session = await other.BeginWriteAsync(default);
            var found = await session.SearchAsync(query, default);
            await session.CommitAsync(default);
            return found.Matches.Count;
        });
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(deciding.IsCompleted);
        await conditional.DisposeAsync();
        Assert.True(await deciding >= 1);
    }

    [Fact]
    public async Task Conditional_searches_of_two_submissions_run_side_by_side_while_the_same_submission_and_any_other_conditional_search_wait()
    {
        var other = await OpenStoreAsync();
        var query = new PatientVoice.Storage.Search.SearchQueryParser(new PatientVoice.Storage.Indexing.SearchParameterRegistry())
            .Parse("Goal", [new("identifier", "urn:example|r1/goal/0")], strict: true);

        // A submission of response r1 has searched for its extracted goal: it holds its scope until it ends.
        var first = await Store.BeginWriteAsync(default);
        await first.SearchAsync(query, "QuestionnaireResponse/r1", default);

        // Another instance's submission of another response decides and commits meanwhile (ADR 0016, amendment of 2026-12-07).
        var another = Task.Run(async () =>
        {
            await using var session = await other.BeginWriteAsync(default);
            await session.SearchAsync(query, "QuestionnaireResponse/r2", default);
            await session.PutAsync(Goal("from r2"), null, default);
            await session.CommitAsync(default);
        });
        Assert.Same(another, await Task.WhenAny(another, Task.Delay(TimeSpan.FromSeconds(60))));
        await another;

        // The same response sent again, and a client's conditional search, wait for the first to end.
        var same = Task.Run(async () =>
        {
            await using var session = await other.BeginWriteAsync(default);
            await session.SearchAsync(query, "QuestionnaireResponse/r1", default);
            await session.CommitAsync(default);
        });
        var conditional = Task.Run(async () =>
        {
            await using var session = await other.BeginWriteAsync(default);
            await session.SearchAsync(query, default);
            await session.CommitAsync(default);
        });
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(same.IsCompleted, "a second submission of the same response decided while the first had not ended");
        Assert.False(conditional.IsCompleted, "a conditional search decided while a submission's search had not ended");
        await first.DisposeAsync();
        await Task.WhenAll(same, conditional).WaitAsync(TimeSpan.FromSeconds(60));

        // And a submission's scoped search waits for a client's conditional interaction in progress.
        var client = await Store.BeginWriteAsync(default);
        await client.SearchAsync(query, default);
        var submission = Task.Run(async () =>
        {
            await using var session = await other.BeginWriteAsync(default);
            await session.SearchAsync(query, "QuestionnaireResponse/r3", default);
            await session.CommitAsync(default);
        });
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(submission.IsCompleted, "a submission's search decided while a client's conditional interaction had not ended");
        await client.DisposeAsync();
        await submission.WaitAsync(TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Concurrent_updates_as_create_of_one_new_id_make_one_resource_with_consecutive_versions()
    {
        var id = "client-chosen-" + Guid.NewGuid().ToString("N")[..8];
        var stores = new[] { Store, await OpenStoreAsync() };

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(async i =>
        {
            var goal = Goal($"writer {i}");
            goal.Id = id;
            await using var session = await stores[i % 2].BeginWriteAsync(default);
            var result = await session.PutAsync(goal, null, default);
            await session.CommitAsync(default);
            return result;
        }));

        Assert.Single(results, r => r.Created);
        Assert.Equal(Enumerable.Range(1, 6), results.Select(r => r.Stored.VersionId).Order());
        Assert.Equal(6, (await Store.ReadAsync("Goal", id, default))!.VersionId);
    }

    [Fact]
    public async Task A_database_at_an_older_schema_version_is_migrated_at_start_and_keeps_its_resources()
    {
        var id = (await WriteAsync(Goal("written before the outbox existed"))).Id;
        await QueryAsync("DROP TABLE outbox; DROP INDEX ix_resource_type_pk; DROP TABLE outbox_sequence; DELETE FROM schema_migration WHERE version >= 2 RETURNING version", r => r.GetInt32(0));

        var migrated = await OpenStoreAsync();

        Assert.Equal(PostgresSchema.Migrations.Select(m => m.Version), await QueryAsync("SELECT version FROM schema_migration ORDER BY version", r => r.GetInt32(0)));
        Assert.NotNull(await migrated.ReadAsync("Goal", id, default));
        await using var session = await migrated.BeginWriteAsync(default);
        await session.EnqueueAsync(new Outbox.OutboxMessage("migrated", "k", "{}"), default);
        await session.CommitAsync(default);
        Assert.NotNull(await ((Outbox.IOutbox)migrated).FindAsync("migrated", "k", default));
    }

    [Fact]
    public async Task Workers_of_two_instances_claiming_at_once_never_get_the_same_message()
    {
        await using (var session = await Store.BeginWriteAsync(default))
        {
            for (var i = 0; i < 60; i++)
            {
                await session.EnqueueAsync(new Outbox.OutboxMessage("shared", $"m{i}", "{}"), default);
            }

            await session.CommitAsync(default);
        }

        var outboxes = new[] { (Outbox.IOutbox)Store, (Outbox.IOutbox)await OpenStoreAsync() };
        var claimed = new System.Collections.Concurrent.ConcurrentBag<long>();
        await Task.WhenAll(Enumerable.Range(0, 6).Select(async worker =>
        {
            while (await outboxes[worker % 2].ClaimDueAsync("shared", 4, TimeSpan.FromMinutes(5), default) is { Count: > 0 } claims)
            {
                foreach (var claim in claims)
                {
                    claimed.Add(claim.Id);
                }
            }
        }));

        Assert.Equal(60, claimed.Count);
        Assert.Equal(60, claimed.Distinct().Count());
    }

    private async Task<IResourceStore> OpenStoreAsync()
    {
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(Clock)
            .AddPostgresResourceStore(o => o.ConnectionString = _connectionString)
            .BuildServiceProvider();
        lock (_services)
        {
            _services.Add(services);
        }

        var store = services.GetRequiredService<IResourceStore>();
        await store.InitializeAsync(default);
        return store;
    }

    private async Task<List<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> map)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<T>();
        while (await reader.ReadAsync())
        {
            rows.Add(map(reader));
        }

        return rows;
    }
}

public sealed class PostgresStoreConfigurationTests
{
    [Fact]
    public void A_postgres_store_without_a_connection_string_names_the_missing_setting()
    {
        using var services = new ServiceCollection().AddLogging().AddPostgresResourceStore().BuildServiceProvider();

        var error = Assert.Throws<ArgumentException>(() => services.GetRequiredService<IResourceStore>());

        Assert.Contains("Storage:Postgres:ConnectionString", error.Message, StringComparison.Ordinal);
    }
}
