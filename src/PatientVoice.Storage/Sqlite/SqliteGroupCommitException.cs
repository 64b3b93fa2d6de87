using PatientVoice.Storage.Faults;

namespace PatientVoice.Storage.Sqlite;

/// <summary>
/// A write that was committed into a shared transaction (<see cref="SqliteWriterTurn"/>) which then failed because of
/// another write in it: nothing of it is stored; the store is unavailable for now (503) or full (507), as the cause says.
/// </summary>
public sealed class SqliteGroupCommitException(StoreFailureKind kind, Exception cause)
    : Exception("The write was not stored: the transaction it shared with other writes failed.", cause)
{
    public StoreFailureKind Kind { get; } = kind;
}
