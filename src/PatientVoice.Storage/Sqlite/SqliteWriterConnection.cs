using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace PatientVoice.Storage.Sqlite;

/// <summary>
/// The store's one connection for writes (ADR 0001, addendum of 2026-12-06): opened at the first write, its PRAGMAs set
/// once, its statements prepared once and re-run under the store's writer turn, which is the only place it is used.
/// Not pooled: when a write fails in the database (a full disk, an I/O error) the store disposes it and opens a new one
/// rather than reuse a handle in a state it cannot see.
/// </summary>
internal sealed class SqliteWriterConnection : SqliteConnection, IPreparedStatements
{
    private readonly SqliteStatementCache _statements;

    private SqliteWriterConnection(string connectionString)
        : base(connectionString)
    {
        _statements = new SqliteStatementCache(this);
    }

    /// <summary>True when no transaction is open on the database handle (SQLite's autocommit mode).</summary>
    public bool IsOutsideTransaction => SQLitePCL.raw.sqlite3_get_autocommit(Handle) != 0;

    /// <summary>Opens a writer on <paramref name="pooledConnectionString"/> (pooling turned off) and runs <paramref name="pragmas"/> once.</summary>
    public static async Task<SqliteWriterConnection> OpenAsync(string pooledConnectionString, string pragmas, CancellationToken cancellationToken)
    {
        var connectionString = new SqliteConnectionStringBuilder(pooledConnectionString) { Pooling = false }.ToString();
        var connection = new SqliteWriterConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            await using var pragma = connection.CreateCommand();
            pragma.CommandText = pragmas;
            await pragma.ExecuteNonQueryAsync(cancellationToken);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The kept command for <paramref name="sql"/>; dispose it after use to hand it back.</summary>
    public SqliteCommand Prepared(string sql, SqliteTransaction? transaction) => _statements.Get(sql, transaction);

    DbCommand? IPreparedStatements.Prepared(string sql, DbTransaction? transaction) => _statements.Get(sql, (SqliteTransaction?)transaction);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _statements.Dispose();
        }

        base.Dispose(disposing);
    }
}
