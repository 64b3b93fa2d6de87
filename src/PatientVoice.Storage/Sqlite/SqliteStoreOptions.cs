namespace PatientVoice.Storage.Sqlite;

/// <summary>Configuration section <c>Storage:Sqlite</c>.</summary>
public sealed class SqliteStoreOptions
{
    public const string Section = "Storage:Sqlite";

    /// <summary>The database file; relative paths are relative to the working directory.</summary>
    public string Path { get; set; } = System.IO.Path.Combine("data", "patientvoice.db");

    /// <summary>
    /// SQLite's <c>synchronous</c> setting. <c>NORMAL</c> (the default) in WAL mode keeps every committed
    /// transaction through a crash or <c>kill -9</c> of the process; <c>FULL</c> also through a power loss,
    /// at the price of an fsync per commit.
    /// </summary>
    public string Synchronous { get; set; } = "NORMAL";

    /// <summary>
    /// A cap on the database's size in pages (SQLite's <c>PRAGMA max_page_count</c>; pages are 4 KiB), or null (the
    /// default) for none. A write that would grow the file past it fails as a full disk does (507, reads keep working).
    /// For keeping PatientVoice from filling a volume it shares, and for testing a full store where the test cannot mount
    /// a small file system.
    /// </summary>
    public long? MaxPageCount { get; set; }

    /// <summary>
    /// Whether the WAL is copied back into the database file by a checkpointer of the store's own, on a thread and a
    /// connection outside the writer turn (ADR 0036; the default), rather than by SQLite inside the commit that crosses
    /// <see cref="CheckpointPages"/> (then every write queued behind that commit waits for the copy and its syncs).
    /// </summary>
    public bool BackgroundCheckpoint { get; set; } = true;

    /// <summary>
    /// Pages written to the WAL after which a checkpoint runs (SQLite's <c>wal_autocheckpoint</c>, whose default this is);
    /// with <see cref="BackgroundCheckpoint"/> also the pages after which the WAL is started afresh, times four.
    /// </summary>
    public int CheckpointPages { get; set; } = 1000;

    /// <summary>
    /// Group commit (ADR 0035; the default): a write that commits while other writes wait for the writer turn shares one
    /// COMMIT with them, and each is answered once that COMMIT is done, so durability is unchanged. <c>false</c>: every
    /// write commits alone.
    /// </summary>
    public bool GroupCommit { get; set; } = true;
}
