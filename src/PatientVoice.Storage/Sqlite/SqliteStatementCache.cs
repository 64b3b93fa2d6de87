using Microsoft.Data.Sqlite;

namespace PatientVoice.Storage.Sqlite;

/// <summary>
/// The prepared commands of one long-lived connection, by SQL text: SQLite parses and plans a statement once
/// (<c>sqlite3_prepare</c>) and then re-runs it with new values. Bounded, because search SQL inside a write session
/// varies with the query's shape; past the bound, and while a statement's command is already in use, callers get a
/// plain command that is prepared for that one use.
/// </summary>
internal sealed class SqliteStatementCache(SqliteConnection connection) : IDisposable
{
    /// <summary>Room for every write and outbox statement (about 30) and the conditional searches seen inside write sessions.</summary>
    public const int Capacity = 256;

    private readonly Dictionary<string, KeptCommand> _commands = new(StringComparer.Ordinal);
    private bool _disposed;

    public int Count => _commands.Count;

    /// <summary>
    /// The command for <paramref name="sql"/> in <paramref name="transaction"/>, with no parameters. Dispose it after use
    /// (a kept command goes back to the cache, still prepared).
    /// </summary>
    public SqliteCommand Get(string sql, SqliteTransaction? transaction)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!_commands.TryGetValue(sql, out var command))
        {
            if (_commands.Count >= Capacity)
            {
                return Plain(sql, transaction);
            }

            command = new KeptCommand(this) { Connection = connection, CommandText = sql, CommandTimeout = connection.DefaultTimeout };
            _commands.Add(sql, command);
        }
        else if (command.InUse)
        {
            // The same statement again while its reader is open: a second, one-use command.
            return Plain(sql, transaction);
        }

        command.InUse = true;
        command.Transaction = transaction;
        return command;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var command in _commands.Values)
        {
            command.Discard();
        }

        _commands.Clear();
    }

    private SqliteCommand Plain(string sql, SqliteTransaction? transaction)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    /// <summary>A command whose disposal hands it back (parameters cleared, statement kept) until the cache ends.</summary>
    private sealed class KeptCommand(SqliteStatementCache cache) : SqliteCommand
    {
        private bool _released;

        public bool InUse { get; set; }

        public void Discard()
        {
            _released = true;
            Dispose();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_released && !cache._disposed)
            {
                Parameters.Clear();
                Transaction = null;
                InUse = false;
                return;
            }

            base.Dispose(disposing);
        }
    }
}
