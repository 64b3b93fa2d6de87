namespace PatientVoice.Storage.Postgres;

/// <summary>Configuration section <c>Storage:Postgres</c> (used when <c>Storage:Provider</c> is <c>Postgres</c>).</summary>
public sealed class PostgresStoreOptions
{
    public const string Section = "Storage:Postgres";

    /// <summary>
    /// An Npgsql connection string, e.g. <c>Host=db;Database=patientvoice;Username=pv;Password=…</c>. The database
    /// must exist; the tables are created in it (in the connection's search path) at start-up.
    /// </summary>
    public string ConnectionString { get; set; } = string.Empty;
}
