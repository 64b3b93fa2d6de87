namespace PatientVoice.Storage.Faults;

/// <summary>The store faults a request can meet that say nothing about the request itself.</summary>
public enum StoreFailureKind
{
    /// <summary>The database is down, restarting, unreachable or busy past its timeout: try again shortly (503).</summary>
    Unavailable,

    /// <summary>The database's disk is full (SQLITE_FULL, PostgreSQL 53100): reads work, writes wait for space (507).</summary>
    Full,
}
