using Microsoft.Data.Sqlite;
using PatientVoice.Storage.Sqlite;

namespace PatientVoice.Storage.Tests.Store;

/// <summary>The SQLite file's schema version (<c>PRAGMA user_version</c>): set on creation, raised by migrations, a newer one refused.</summary>
public sealed class SqliteSchemaVersionTests : IDisposable
{
    private readonly SqliteStoreScratch _scratch = new();

    private string DatabasePath => _scratch.DatabasePath;

    [Fact]
    public async Task A_new_database_carries_the_schema_version_of_this_build_the_same_number_as_PostgreSQL()
    {
        await OpenStoreAsync();

        Assert.Equal(SqliteResourceStore.SchemaVersion, await UserVersionAsync());
        Assert.Equal(PatientVoice.Storage.Postgres.PostgresSchema.Migrations[^1].Version, SqliteResourceStore.SchemaVersion);
    }

    [Fact]
    public async Task A_database_from_before_the_version_was_kept_is_migrated_and_keeps_its_resources()
    {
        var store = await OpenStoreAsync();
        await using (var session = await store.BeginWriteAsync(default))
        {
            await session.PutAsync(new Hl7.Fhir.Model.Goal { Id = "kept", Description = new Hl7.Fhir.Model.CodeableConcept { Text = "kept" }, Subject = new Hl7.Fhir.Model.ResourceReference("Patient/p") }, null, default);
            await session.CommitAsync(default);
        }

        // What a file written before versions were kept looks like: version 0, the steps after the outbox missing.
        await ExecuteAsync("DROP TABLE outbox_sequence; DROP INDEX ix_resource_type_pk; ALTER TABLE outbox DROP COLUMN scheduled_at; PRAGMA user_version = 0;");

        var migrated = await OpenStoreAsync();

        Assert.Equal(SqliteResourceStore.SchemaVersion, await UserVersionAsync());
        Assert.NotNull(await migrated.ReadAsync("Goal", "kept", default));
        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM sqlite_master WHERE name IN ('outbox_sequence') AND type = 'table'"));
        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM sqlite_master WHERE name = 'ix_resource_type_pk'"));
        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM pragma_table_info('outbox') WHERE name = 'scheduled_at'"));
    }

    [Fact]
    public async Task A_version_5_database_gets_the_url_index_of_references_for_references_by_url_only_and_searches_by_url_use_it()
    {
        await OpenStoreAsync();
        // Version 5's index held every reference, those by type and id (no url) too.
        await ExecuteAsync("DROP INDEX ix_search_reference_url; CREATE INDEX ix_search_reference_url ON search_reference (resource_type, param, url, resource_pk); PRAGMA user_version = 5;");

        await OpenStoreAsync();

        Assert.Equal(SqliteResourceStore.SchemaVersion, await UserVersionAsync());
        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM sqlite_master WHERE name = 'ix_search_reference_url' AND sql LIKE '%WHERE url IS NOT NULL'"));
        var plan = await PlanAsync("SELECT resource_pk FROM search_reference s WHERE s.resource_type = 'QuestionnaireResponse' AND s.param = 'questionnaire' AND s.url = 'http://example.org/Questionnaire/q|1'");
        Assert.Contains("ix_search_reference_url", plan, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_version_6_database_gets_the_reference_index_led_by_the_target_and_reference_searches_and_revincludes_use_it()
    {
        var store = await OpenStoreAsync();
        await using (var session = await store.BeginWriteAsync(default))
        {
            await session.PutAsync(new Hl7.Fhir.Model.Goal { Id = "g1", Description = new Hl7.Fhir.Model.CodeableConcept { Text = "walk" }, Subject = new Hl7.Fhir.Model.ResourceReference("Patient/p1") }, null, default);
            await session.PutAsync(new Hl7.Fhir.Model.Goal { Id = "g2", Description = new Hl7.Fhir.Model.CodeableConcept { Text = "sleep" }, Subject = new Hl7.Fhir.Model.ResourceReference("Patient/p2") }, null, default);
            await session.CommitAsync(default);
        }

        // Version 6's index: led by the referring type and parameter, every row (references by url only too).
        await ExecuteAsync("DROP INDEX ix_search_reference_target; CREATE INDEX ix_search_reference_target ON search_reference (resource_type, param, target_id, target_type, resource_pk); PRAGMA user_version = 6;");

        var migrated = await OpenStoreAsync();

        Assert.Equal(SqliteResourceStore.SchemaVersion, await UserVersionAsync());
        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM sqlite_master WHERE name = 'ix_search_reference_target' AND sql LIKE '%(target_id, resource_type, param, target_type, resource_pk) WHERE target_id IS NOT NULL'"));
        // A reference search, with and without the target's type, and a _revinclude (joined on the target, with and without a parameter).
        Assert.Contains("INDEX ix_search_reference_target (target_id=? AND resource_type=? AND param=? AND target_type=?)",
            await PlanAsync("SELECT resource_pk FROM search_reference s WHERE s.resource_type = 'Goal' AND s.param = 'patient' AND s.target_id = 'p1' AND s.target_type = 'Patient'"), StringComparison.Ordinal);
        Assert.Contains("INDEX ix_search_reference_target (target_id=? AND resource_type=? AND param=?)",
            await PlanAsync("SELECT resource_pk FROM search_reference s WHERE s.resource_type = 'Goal' AND s.param = 'patient' AND s.target_id = 'p1'"), StringComparison.Ordinal);
        Assert.Contains("ix_search_reference_target (target_id=? AND resource_type=? AND param=?",
            await PlanAsync("SELECT s.resource_pk FROM resource t JOIN search_reference s ON s.target_id = t.resource_id AND s.target_type = t.resource_type WHERE t.pk IN (1, 2) AND s.resource_type = 'Provenance' AND s.param = 'target' AND s.url IS NULL"), StringComparison.Ordinal);
        Assert.Contains("ix_search_reference_target (target_id=? AND resource_type=?",
            await PlanAsync("SELECT s.resource_pk FROM resource t JOIN search_reference s ON s.target_id = t.resource_id AND s.target_type = t.resource_type WHERE t.pk IN (1, 2) AND s.resource_type = 'Provenance' AND s.url IS NULL"), StringComparison.Ordinal);
        Assert.Equal(["g1"], await GoalsOfAsync(migrated, "Patient/p1"));
        Assert.Equal(["g2"], await GoalsOfAsync(migrated, "p2"));
    }

    [Fact]
    public async Task A_version_7_database_loses_the_patient_identifier_rows_its_audit_events_took_from_their_client_application()
    {
        var store = await OpenStoreAsync();
        var client = new Hl7.Fhir.Model.Identifier("https://issuer.example/", "portal-app");
        await using (var session = await store.BeginWriteAsync(default))
        {
            await session.PutAsync(new Hl7.Fhir.Model.AuditEvent
            {
                Id = "a1",
                Type = new Hl7.Fhir.Model.Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest"),
                Agent = [new Hl7.Fhir.Model.AuditEvent.AgentComponent { Who = new Hl7.Fhir.Model.ResourceReference { Identifier = client }, Requestor = true }],
                Entity = [new Hl7.Fhir.Model.AuditEvent.EntityComponent { What = new Hl7.Fhir.Model.ResourceReference("Patient/p1") }],
            }, null, default);
            await session.PutAsync(new Hl7.Fhir.Model.Goal
            {
                Id = "g1",
                Description = new Hl7.Fhir.Model.CodeableConcept { Text = "walk" },
                Subject = new Hl7.Fhir.Model.ResourceReference { Identifier = new Hl7.Fhir.Model.Identifier("urn:mrn", "12345"), Type = "Patient" },
            }, null, default);
            await session.CommitAsync(default);
        }

        // What version 7's indexing wrote for the AuditEvent beside today's rows.
        await ExecuteAsync("""
            INSERT INTO search_token (resource_pk, resource_type, param, system, code, text)
            SELECT pk, 'AuditEvent', 'patient:identifier', 'https://issuer.example/', 'portal-app', NULL FROM resource WHERE resource_id = 'a1';
            PRAGMA user_version = 7;
            """);

        var migrated = await OpenStoreAsync();

        Assert.Equal(SqliteResourceStore.SchemaVersion, await UserVersionAsync());
        Assert.Equal(0L, await ScalarAsync("SELECT COUNT(*) FROM search_token WHERE resource_type = 'AuditEvent' AND param = 'patient:identifier'"));
        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM search_token WHERE resource_type = 'AuditEvent' AND param = 'agent:identifier' AND code = 'portal-app'"));
        Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM search_token WHERE resource_type = 'Goal' AND param = 'patient:identifier' AND code = '12345'"));
        var byPatient = new PatientVoice.Storage.Search.SearchQueryParser(new PatientVoice.Storage.Indexing.SearchParameterRegistry())
            .Parse("AuditEvent", [new("patient", "Patient/p1")], strict: true);
        Assert.Equal(["a1"], (await migrated.SearchAsync(byPatient, default)).Matches.Select(m => m.Id));
    }

    [Fact]
    public async Task A_database_with_a_newer_schema_version_is_refused_naming_both_versions_and_left_as_it_was()
    {
        await OpenStoreAsync();
        var newer = SqliteResourceStore.SchemaVersion + 1;
        await ExecuteAsync($"PRAGMA user_version = {newer};");

        var error = await Assert.ThrowsAsync<SchemaVersionException>(OpenStoreAsync);

        Assert.Contains($"schema version {newer}", error.Message, StringComparison.Ordinal);
        Assert.Contains($"({SqliteResourceStore.SchemaVersion})", error.Message, StringComparison.Ordinal);
        Assert.Contains(DatabasePath, error.Message, StringComparison.Ordinal);
        Assert.Equal(newer, await UserVersionAsync());
    }

    public void Dispose() => _scratch.Dispose();

    private Task<IResourceStore> OpenStoreAsync() => _scratch.OpenStoreAsync();

    private async Task<string> PlanAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "EXPLAIN QUERY PLAN " + sql;
        await using var reader = await command.ExecuteReaderAsync();
        var plan = new System.Text.StringBuilder();
        while (await reader.ReadAsync())
        {
            plan.AppendLine(reader.GetString(3));
        }

        return plan.ToString();
    }

    private static async Task<string[]> GoalsOfAsync(IResourceStore store, string patient)
    {
        var query = new PatientVoice.Storage.Search.SearchQueryParser(new PatientVoice.Storage.Indexing.SearchParameterRegistry())
            .Parse("Goal", [new("patient", patient)], strict: true);
        return (await store.SearchAsync(query, default)).Matches.Select(m => m.Id).Order(StringComparer.Ordinal).ToArray();
    }

    private async Task<int> UserVersionAsync() => (int)await ScalarAsync("PRAGMA user_version;");

    private async Task<long> ScalarAsync(string sql) => (long)(await _scratch.ScalarAsync(sql))!;

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
