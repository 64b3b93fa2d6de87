namespace PatientVoice.Storage.Sqlite;

/// <summary>
/// The SQLite tables, as numbered migrations applied in order at start-up; the file's <c>PRAGMA user_version</c> is
/// the number of the last one applied. The numbers and what they add are PostgreSQL's (<c>PostgresSchema</c>), so
/// one schema version means one shape on both stores. Migrations are append-only: a later change is a new entry.
/// The first four use CREATE ... IF NOT EXISTS because files written before the version was kept (user_version 0,
/// e.g. by main 02d0be7) already hold some or all of them: on such a file every step runs and adds what is missing.
/// </summary>
internal static class SqliteSchema
{
    public static IReadOnlyList<(int Version, string Name, string Sql)> Migrations { get; } =
    [
        (1, "resources and search index", Resources + SqliteSearchIndex.Schema),
        (2, "outbox", Outbox),
        (3, "keyset pages of one type in creation order", ResourceTypePk),
        (4, "outbox sequences", OutboxSequence),
        (5, "outbox schedules keep the clock they were made by", OutboxScheduledAt),
        (6, "the reference url index holds references by url only", ReferenceUrlIndex),
        (7, "references indexed by their target first", ReferenceTargetIndex),
        (8, "an AuditEvent's client application is not its patient", AuditEventPatientIdentifiers),
    ];

    /// <summary>The schema version this build writes and reads.</summary>
    public static int Latest => Migrations[^1].Version;

    private const string Resources = """
        CREATE TABLE IF NOT EXISTS resource (
            pk            INTEGER PRIMARY KEY,
            resource_type TEXT    NOT NULL,
            resource_id   TEXT    NOT NULL,
            version       INTEGER NOT NULL,
            last_updated  INTEGER NOT NULL,
            is_deleted    INTEGER NOT NULL,
            UNIQUE (resource_type, resource_id)
        );
        CREATE INDEX IF NOT EXISTS ix_resource_type_updated ON resource (resource_type, last_updated);

        CREATE TABLE IF NOT EXISTS resource_version (
            seq           INTEGER PRIMARY KEY,
            resource_pk   INTEGER NOT NULL REFERENCES resource (pk),
            version       INTEGER NOT NULL,
            last_updated  INTEGER NOT NULL,
            method        TEXT    NOT NULL,
            json          TEXT,
            UNIQUE (resource_pk, version)
        );
        CREATE INDEX IF NOT EXISTS ix_resource_version_updated ON resource_version (last_updated);
        """;

    /// <summary>The outbox (<see cref="Outbox.IOutbox"/>): state 0 pending, 1 completed, 2 failed; times in Unix milliseconds.</summary>
    private const string Outbox = """
        CREATE TABLE IF NOT EXISTS outbox (
            id            INTEGER PRIMARY KEY,
            topic         TEXT    NOT NULL,
            key           TEXT    NOT NULL,
            payload       TEXT    NOT NULL,
            state         INTEGER NOT NULL,
            attempts      INTEGER NOT NULL,
            enqueued_at   INTEGER NOT NULL,
            due_at        INTEGER NOT NULL,
            lease_until   INTEGER,
            lease_token   TEXT,
            finished_at   INTEGER,
            last_error    TEXT,
            UNIQUE (topic, key)
        );
        CREATE INDEX IF NOT EXISTS ix_outbox_due ON outbox (topic, state, due_at);
        """;

    // Keyset pages of one type in creation order (pk > cursor ORDER BY pk): without it a page of a large type sorts
    // the whole type (a Bulk Data export of 600,000 Observations paid ~0.1 s a page).
    private const string ResourceTypePk = "CREATE INDEX IF NOT EXISTS ix_resource_type_pk ON resource (resource_type, pk);";

    /// <summary>
    /// When a message's due time was set, by the clock of the process that set it (enqueue, reschedule, release). A claim
    /// whose own clock is behind that takes the message as due: the wait was measured from a clock that was ahead (or
    /// ours has stepped back since), so keeping it would park the message for the length of the clock's jump.
    /// NULL on rows from before version 5: their enqueued_at stands in.
    /// </summary>
    private const string OutboxScheduledAt = "ALTER TABLE outbox ADD COLUMN scheduled_at INTEGER;";

    /// <summary>
    /// Most references are by type and id, with no url (a QuestionnaireResponse's canonical to its Questionnaire is the
    /// exception): in a full index each of them was one more index entry, so one more page, written by every submission
    /// (about 130 pages per submission's transaction were 108 without them, docs/benchmarks.md issue 19, seventh session).
    /// Every search by url compares it (<c>s.url = …</c>), which the partial index serves.
    /// </summary>
    private const string ReferenceUrlIndex = """
        DROP INDEX IF EXISTS ix_search_reference_url;
        CREATE INDEX ix_search_reference_url ON search_reference (resource_type, param, url, resource_pk) WHERE url IS NOT NULL;
        """;

    /// <summary>
    /// The index of references by type and id, led by the target's id: a write's references to one patient (a submission's
    /// response, goals, document and provenance each name the patient two to four times) land side by side instead of in
    /// one (type, parameter) region each, so a transaction dirties a few pages of it instead of one per region (about 27
    /// of a submission's ~108 pages were this index, docs/benchmarks.md issue 19, eighth session). Every search by
    /// reference names the target's id (a reference search, <c>_revinclude</c> joined on the target), so the index still
    /// serves each one by equality on its leading columns (a <c>_revinclude</c> without a parameter now on two, where it had one).
    /// Partial: references by url only have no target id (<see cref="ReferenceUrlIndex"/> holds them).
    /// </summary>
    private const string ReferenceTargetIndex = """
        DROP INDEX IF EXISTS ix_search_reference_target;
        CREATE INDEX ix_search_reference_target ON search_reference (target_id, resource_type, param, target_type, resource_pk) WHERE target_id IS NOT NULL;
        """;

    /// <summary>
    /// Up to version 7 the index took the identifier of a reference by identifier alone for a parameter filtered by
    /// <c>where(resolve() is Patient)</c>, whatever it named: every AuditEvent had its client application's identifier as a
    /// <c>patient:identifier</c> row. Only the server writes AuditEvents (ADR 0014), and it names a patient by literal
    /// reference only, so every such row of an AuditEvent is one of those and goes. Other types' rows are left: telling the
    /// wrong ones from the right needs their resources indexed again.
    /// </summary>
    internal const string AuditEventPatientIdentifiers = "DELETE FROM search_token WHERE resource_type = 'AuditEvent' AND param = 'patient:identifier';";

    /// <summary>Counters taken inside write transactions (a subscription's event numbers).</summary>
    private const string OutboxSequence = """
        CREATE TABLE IF NOT EXISTS outbox_sequence (
            name          TEXT    PRIMARY KEY,
            value         INTEGER NOT NULL
        );
        """;
}
