namespace PatientVoice.Storage.Postgres;

/// <summary>
/// The PostgreSQL tables, as numbered migrations applied in order at start-up and recorded in
/// <c>schema_migration</c>. Migrations are append-only: a later change is a new entry, never an edit.
/// Columns mirror the SQLite schema (times in Unix milliseconds, <c>is_deleted</c> 0/1) so that the shared
/// search SQL runs on both; text that is searched or sorted is <c>COLLATE "C"</c> (code-point order).
/// </summary>
internal static class PostgresSchema
{
    /// <summary>Advisory lock held while migrating, so instances starting together migrate one after another.</summary>
    public const long MigrationLockKey = 0x5056_0001; // "PV" 1

    public static IReadOnlyList<(int Version, string Name, string Sql)> Migrations { get; } =
    [
        (1, "resources and search index", Resources + SearchIndex),
        (2, "outbox", Outbox),
        (3, "keyset pages of one type in creation order", "CREATE INDEX ix_resource_type_pk ON resource (resource_type, pk);"),
        (4, "outbox sequences", OutboxSequence),
        // When a message's due time was set, by the clock that set it (SqliteSchema says why).
        (5, "outbox schedules keep the clock they were made by", "ALTER TABLE outbox ADD COLUMN scheduled_at bigint;"),
        // References by type and id have no url: not in the url index (SqliteSchema says why).
        (6, "the reference url index holds references by url only", """
            DROP INDEX ix_search_reference_url;
            CREATE INDEX ix_search_reference_url ON search_reference (resource_type, param, url, resource_pk) WHERE url IS NOT NULL;
            """),
        // References by type and id indexed by their target first (SqliteSchema says why). The new index leads with the
        // target's id, so it also serves what ix_search_reference_to (target_type, target_id) was kept for.
        (7, "references indexed by their target first", """
            DROP INDEX IF EXISTS ix_search_reference_target;
            DROP INDEX IF EXISTS ix_search_reference_to;
            CREATE INDEX ix_search_reference_target ON search_reference (target_id, resource_type, param, target_type, resource_pk) WHERE target_id IS NOT NULL;
            """),
        // The index rows an AuditEvent's client application left as its patient (SqliteSchema says why).
        (8, "an AuditEvent's client application is not its patient", PatientVoice.Storage.Sqlite.SqliteSchema.AuditEventPatientIdentifiers),
    ];

    public const string MigrationTable = """
        CREATE TABLE IF NOT EXISTS schema_migration (
            version    integer     PRIMARY KEY,
            name       text        NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        );
        """;

    private const string Resources = """
        CREATE TABLE resource (
            pk            bigint   GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            resource_type text     COLLATE "C" NOT NULL,
            resource_id   text     COLLATE "C" NOT NULL,
            version       integer  NOT NULL,
            last_updated  bigint   NOT NULL,
            is_deleted    smallint NOT NULL,
            UNIQUE (resource_type, resource_id)
        );
        CREATE INDEX ix_resource_type_updated ON resource (resource_type, last_updated);

        CREATE TABLE resource_version (
            seq           bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            resource_pk   bigint  NOT NULL REFERENCES resource (pk),
            version       integer NOT NULL,
            last_updated  bigint  NOT NULL,
            method        text    NOT NULL,
            json          text,
            UNIQUE (resource_pk, version)
        );
        CREATE INDEX ix_resource_version_updated ON resource_version (last_updated);
        """;

    /// <summary>The outbox (<see cref="Storage.Outbox.IOutbox"/>): state 0 pending, 1 completed, 2 failed; times in Unix milliseconds.</summary>
    private const string Outbox = """
        CREATE TABLE outbox (
            id            bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            topic         text    COLLATE "C" NOT NULL,
            key           text    COLLATE "C" NOT NULL,
            payload       text    NOT NULL,
            state         integer NOT NULL,
            attempts      integer NOT NULL,
            enqueued_at   bigint  NOT NULL,
            due_at        bigint  NOT NULL,
            lease_until   bigint,
            lease_token   text,
            finished_at   bigint,
            last_error    text,
            UNIQUE (topic, key)
        );
        CREATE INDEX ix_outbox_due ON outbox (topic, state, due_at);
        """;

    /// <summary>Counters taken inside write transactions (a subscription's event numbers).</summary>
    private const string OutboxSequence = """
        CREATE TABLE outbox_sequence (
            name          text    COLLATE "C" PRIMARY KEY,
            value         bigint  NOT NULL
        );
        """;

    private const string SearchIndex = """
        CREATE TABLE search_string (resource_pk bigint NOT NULL, resource_type text COLLATE "C" NOT NULL, param text COLLATE "C" NOT NULL,
          value_norm text COLLATE "C" NOT NULL, value_exact text COLLATE "C" NOT NULL);
        CREATE INDEX ix_search_string_value ON search_string (resource_type, param, value_norm, resource_pk);
        CREATE INDEX ix_search_string_pk ON search_string (resource_pk, param);

        CREATE TABLE search_token (resource_pk bigint NOT NULL, resource_type text COLLATE "C" NOT NULL, param text COLLATE "C" NOT NULL,
          system text COLLATE "C", code text COLLATE "C", text text COLLATE "C");
        CREATE INDEX ix_search_token_code ON search_token (resource_type, param, code, system, resource_pk);
        CREATE INDEX ix_search_token_pk ON search_token (resource_pk, param);

        CREATE TABLE search_date (resource_pk bigint NOT NULL, resource_type text COLLATE "C" NOT NULL, param text COLLATE "C" NOT NULL,
          start_ms bigint NOT NULL, end_ms bigint NOT NULL);
        CREATE INDEX ix_search_date_start ON search_date (resource_type, param, start_ms, end_ms, resource_pk);
        CREATE INDEX ix_search_date_end ON search_date (resource_type, param, end_ms, resource_pk);
        CREATE INDEX ix_search_date_pk ON search_date (resource_pk, param);

        CREATE TABLE search_reference (resource_pk bigint NOT NULL, resource_type text COLLATE "C" NOT NULL, param text COLLATE "C" NOT NULL,
          target_type text COLLATE "C", target_id text COLLATE "C", target_version text COLLATE "C", url text COLLATE "C");
        CREATE INDEX ix_search_reference_target ON search_reference (resource_type, param, target_id, target_type, resource_pk);
        CREATE INDEX ix_search_reference_url ON search_reference (resource_type, param, url, resource_pk);
        CREATE INDEX ix_search_reference_pk ON search_reference (resource_pk, param);
        CREATE INDEX ix_search_reference_to ON search_reference (target_type, target_id);

        CREATE TABLE search_uri (resource_pk bigint NOT NULL, resource_type text COLLATE "C" NOT NULL, param text COLLATE "C" NOT NULL,
          uri text COLLATE "C" NOT NULL);
        CREATE INDEX ix_search_uri_value ON search_uri (resource_type, param, uri, resource_pk);
        CREATE INDEX ix_search_uri_pk ON search_uri (resource_pk, param);
        CREATE INDEX ix_search_uri_url ON search_uri (uri) WHERE param = 'url';

        CREATE TABLE search_number (resource_pk bigint NOT NULL, resource_type text COLLATE "C" NOT NULL, param text COLLATE "C" NOT NULL,
          value double precision NOT NULL);
        CREATE INDEX ix_search_number_value ON search_number (resource_type, param, value, resource_pk);
        CREATE INDEX ix_search_number_pk ON search_number (resource_pk, param);

        CREATE TABLE search_quantity (resource_pk bigint NOT NULL, resource_type text COLLATE "C" NOT NULL, param text COLLATE "C" NOT NULL,
          value double precision NOT NULL, system text COLLATE "C", code text COLLATE "C", unit text COLLATE "C");
        CREATE INDEX ix_search_quantity_value ON search_quantity (resource_type, param, value, resource_pk);
        CREATE INDEX ix_search_quantity_pk ON search_quantity (resource_pk, param);
        """;
}
