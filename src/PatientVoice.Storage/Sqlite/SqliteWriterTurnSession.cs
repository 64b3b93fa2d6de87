using Microsoft.Data.Sqlite;

namespace PatientVoice.Storage.Sqlite;

/// <summary>One write session's place in the writer turn: the connection, the transaction it writes in (shared with group commit).</summary>
internal sealed class SqliteWriterTurnSession(SqliteWriterTurn turn, SqliteWriterConnection connection, SqliteTransaction transaction, bool savepoint, bool ownsTransaction)
{
    public SqliteWriterTurn Turn { get; } = turn;

    public SqliteWriterConnection Connection { get; } = connection;

    public SqliteTransaction Transaction { get; } = transaction;

    /// <summary>True when the session is a savepoint in a transaction that holds earlier sessions' writes.</summary>
    public bool Savepoint { get; } = savepoint;

    /// <summary>True when the transaction is the session's alone (no group commit): the session disposes it.</summary>
    public bool OwnsTransaction { get; } = ownsTransaction;

    /// <summary>True once the session committed into the shared transaction and handed the turn on: it holds the turn no more.</summary>
    public bool HandedOn { get; set; }
}
