using Microsoft.Data.Sqlite;
using Npgsql;

namespace PatientVoice.Storage.Faults;

/// <summary>
/// What a database failure means to a caller, read from the driver's own error codes so that the web host (the one
/// place that turns errors into responses) need not know SQLite or Npgsql: the store is out of space, or it cannot be
/// reached for now. Anything else is not a store fault the caller can name (null).
/// </summary>
public static class StoreFailure
{
    // https://www.sqlite.org/rescode.html
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteIoError = 10;
    private const int SqliteFull = 13;
    private const int SqliteCantOpen = 14;

    // SQLite reports a full disk (ENOSPC) as SQLITE_FULL itself; PostgreSQL as disk_full.
    private const string PostgresDiskFull = "53100";

    /// <summary>The kind of store fault <paramref name="exception"/> (or an exception inside it) is, or null.</summary>
    public static StoreFailureKind? Classify(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case Sqlite.SqliteGroupCommitException shared:
                    return shared.Kind;
                case SqliteException sqlite:
                    return sqlite.SqliteErrorCode switch
                    {
                        SqliteFull => StoreFailureKind.Full,
                        SqliteBusy or SqliteLocked or SqliteIoError or SqliteCantOpen => StoreFailureKind.Unavailable,
                        _ => null,
                    };
                case PostgresException postgres:
                    return postgres.SqlState switch
                    {
                        PostgresDiskFull => StoreFailureKind.Full,
                        // 08: connection exception; 53: insufficient resources (too many connections, out of memory);
                        // 57P0x: the server is shutting down, crashed, or starting up; 58: system error (I/O).
                        _ when postgres.SqlState.StartsWith("08", StringComparison.Ordinal)
                            || postgres.SqlState.StartsWith("53", StringComparison.Ordinal)
                            || postgres.SqlState.StartsWith("57P", StringComparison.Ordinal)
                            || postgres.SqlState.StartsWith("58", StringComparison.Ordinal) => StoreFailureKind.Unavailable,
                        _ => null,
                    };
                case NpgsqlException npgsql when npgsql.IsTransient:
                    // Connection refused or reset, a connect or command timeout: the server cannot be reached for now.
                    return StoreFailureKind.Unavailable;
            }
        }

        return null;
    }

    /// <summary>The driver's code of the fault, for logs (e.g. <c>SQLITE 13</c>, <c>PostgreSQL 57P01</c>, <c>Npgsql</c>).</summary>
    public static string Code(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SqliteException sqlite:
                    return $"SQLite {sqlite.SqliteErrorCode.ToString(System.Globalization.CultureInfo.InvariantCulture)}/{sqlite.SqliteExtendedErrorCode.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
                case PostgresException postgres:
                    return "PostgreSQL " + postgres.SqlState;
                case NpgsqlException npgsql:
                    return "Npgsql " + (npgsql.InnerException?.GetType().Name ?? nameof(NpgsqlException));
            }
        }

        return exception.GetType().Name;
    }
}
