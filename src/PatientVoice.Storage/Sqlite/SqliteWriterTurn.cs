using System.Globalization;
using Microsoft.Data.Sqlite;
using PatientVoice.Storage.Faults;

namespace PatientVoice.Storage.Sqlite;

/// <summary>
/// The SQLite store's writer turn, with group commit (issue 19). Writers take turns on the one writer connection, one at
/// a time, as before; each write session runs in a savepoint of an open <c>BEGIN IMMEDIATE</c> transaction. A session
/// that commits while other writers wait for the turn releases its savepoint into that transaction and hands the turn on;
/// the transaction is committed (once, for all of them) by the first session that ends with no writer waiting, or when
/// <see cref="_maxGroup"/> sessions share it. Every session's commit returns only after the <c>COMMIT</c> that holds its
/// writes, so nothing is acknowledged that a crash could lose, exactly as with one transaction per session.
/// <para>
/// A session rolled back undoes its savepoint only. A session that fails in the database (a full disk, an I/O error, a
/// statement cancelled half-way) may have lost the whole transaction (SQLite rolls back on such errors), so the sessions
/// waiting in it fail too, with <see cref="SqliteGroupCommitException"/> (a 503 or 507, never acknowledged, nothing of
/// them stored), and the connection is replaced.
/// </para>
/// </summary>
internal sealed class SqliteWriterTurn(Func<CancellationToken, Task<SqliteWriterConnection>> openWriter, Action discardWriter, int maxGroup)
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly int _maxGroup = Math.Max(1, maxGroup);
    private readonly List<TaskCompletionSource> _waitingForCommit = [];
    private int _waitingForTurn;

    // Used only while holding the turn.
    private SqliteTransaction? _group;
    private SqliteWriterConnection? _writer;
    private int _savepoints;

    /// <summary>Sessions whose writes were committed together with at least one other session's (for tests).</summary>
    public long SharedCommits { get; private set; }

    /// <summary>Takes the turn and opens a savepoint for one session (in the open transaction, or a new one).</summary>
    public async Task<SqliteWriterTurnSession> BeginSessionAsync(CancellationToken cancellationToken)
    {
        await TakeAsync(cancellationToken);
        try
        {
            var writer = _writer = await openWriter(cancellationToken);
            // BEGIN IMMEDIATE: take the write lock now, so reads inside the session see what it will write over.
            _group ??= writer.BeginTransaction(deferred: false);
            var savepoint = "pv" + (++_savepoints).ToString(CultureInfo.InvariantCulture);
            // Not cancellable from here on: a statement cancelled half-way would cost the transaction others share.
            await _group.SaveAsync(savepoint, CancellationToken.None);
            return new SqliteWriterTurnSession(this, writer, _group, savepoint);
        }
        catch (Exception e)
        {
            // Busy past the timeout, the file could not be opened, or the savepoint failed: start afresh.
            End(e);
            throw;
        }
    }

    /// <summary>Runs <paramref name="change"/> in a transaction of its own, after committing what waits in the open one.</summary>
    public async Task<T> RunAloneAsync<T>(Func<SqliteWriterConnection, SqliteTransaction, Task<T>> change, CancellationToken cancellationToken)
    {
        await TakeAsync(cancellationToken);
        Exception? fault = null;
        try
        {
            CommitGroup();
            var writer = _writer = await openWriter(cancellationToken);
            await using var transaction = writer.BeginTransaction(deferred: false);
            var result = await change(writer, transaction);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        catch (Exception e)
        {
            fault = e;
            throw;
        }
        finally
        {
            End(fault);
        }
    }

    /// <summary>Commits what waits in the open transaction and closes the writer, once the write in progress has ended.</summary>
    public void Close()
    {
        // A session never disposed would hold the turn for ever: then leave its connection to the process's end.
        if (!_lock.Wait(TimeSpan.FromSeconds(30)))
        {
            return;
        }

        try
        {
            CommitGroup();
        }
        catch (Exception)
        {
            // Failed sessions were told (CommitGroup); the connection goes anyway.
        }
        finally
        {
            Discard();
            _lock.Release();
        }
    }

    /// <summary>
    /// The session's commit: its savepoint released into the open transaction; then either the transaction committed now
    /// (nobody waiting for the turn, or the group full), or the turn handed on (<see cref="SqliteWriterTurnSession.HandedOn"/>)
    /// and the commit awaited.
    /// </summary>
    internal async Task CommitAsync(SqliteWriterTurnSession session)
    {
        await session.Transaction.ReleaseAsync(session.Savepoint);
        if (Volatile.Read(ref _waitingForTurn) == 0 || _waitingForCommit.Count + 1 >= _maxGroup)
        {
            CommitGroup(committing: true);
            return;
        }

        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waitingForCommit.Add(committed);
        session.HandedOn = true;
        _lock.Release();
        // Not cancellable: the writes are in the transaction now, and the writer that commits it answers soon.
        await committed.Task;
    }

    /// <summary>Undoes the session's savepoint only; the sessions before it in the transaction keep their writes.</summary>
    internal static async Task RollbackAsync(SqliteWriterTurnSession session)
    {
        await session.Transaction.RollbackAsync(session.Savepoint);
        await session.Transaction.ReleaseAsync(session.Savepoint);
    }

    /// <summary>
    /// Ends a turn: after a fault, fails what waits in the transaction and replaces the connection; else commits it when
    /// no writer is waiting to add to it; then hands the turn on.
    /// </summary>
    internal void End(Exception? fault)
    {
        try
        {
            if (fault is not null)
            {
                FailGroup(fault);
                Discard();
            }
            else if (Volatile.Read(ref _waitingForTurn) == 0)
            {
                CommitGroup();
            }

            if (_group is null && _writer is { IsOutsideTransaction: false })
            {
                // A transaction left open that is not the turn's: the connection is not in a state to reuse.
                Discard();
            }
        }
        catch (Exception)
        {
            // CommitGroup failed and has told the sessions waiting for it; the connection is replaced.
            Discard();
        }
        finally
        {
            _lock.Release();
        }
    }

    private void Discard()
    {
        _writer = null;
        discardWriter();
    }

    private async Task TakeAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _waitingForTurn);
        try
        {
            await _lock.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The turn may have been handed on to us with sessions waiting for their commit: if nobody else is coming,
            // take the turn anyway (without the cancelled token) and commit them.
            if (Interlocked.Decrement(ref _waitingForTurn) == 0)
            {
                _ = Task.Run(FlushAsync, CancellationToken.None);
            }

            throw;
        }

        Interlocked.Decrement(ref _waitingForTurn);
    }

    private async Task FlushAsync()
    {
        await _lock.WaitAsync();
        End(null);
    }

    /// <summary>
    /// Commits the open transaction, if any, and tells the sessions waiting in it; on failure fails them and rethrows.
    /// <paramref name="committing"/>: the caller is a session committing its own writes too.
    /// </summary>
    private void CommitGroup(bool committing = false)
    {
        if (_group is not { } group)
        {
            return;
        }

        _group = null;
        try
        {
            group.Commit();
            group.Dispose();
        }
        catch (Exception e)
        {
            Fail(e);
            throw;
        }

        var sessions = _waitingForCommit.Count + (committing ? 1 : 0);
        SharedCommits += sessions > 1 ? sessions : 0;
        foreach (var waiting in _waitingForCommit)
        {
            waiting.SetResult();
        }

        _waitingForCommit.Clear();
    }

    private void FailGroup(Exception fault)
    {
        if (_group is { } group)
        {
            _group = null;
            try
            {
                group.Dispose(); // rolls back what is left of it
            }
            catch (Exception)
            {
                // The connection is replaced anyway.
            }
        }

        Fail(fault);
    }

    private void Fail(Exception fault)
    {
        var failure = new SqliteGroupCommitException(StoreFailure.Classify(fault) ?? StoreFailureKind.Unavailable, fault);
        foreach (var waiting in _waitingForCommit)
        {
            waiting.SetException(failure);
        }

        _waitingForCommit.Clear();
    }
}

/// <summary>One write session's place in the writer turn: the connection, the shared transaction and its savepoint.</summary>
internal sealed class SqliteWriterTurnSession(SqliteWriterTurn turn, SqliteWriterConnection connection, SqliteTransaction transaction, string savepoint)
{
    public SqliteWriterTurn Turn { get; } = turn;

    public SqliteWriterConnection Connection { get; } = connection;

    public SqliteTransaction Transaction { get; } = transaction;

    public string Savepoint { get; } = savepoint;

    /// <summary>True once the session committed into the shared transaction and handed the turn on: it holds the turn no more.</summary>
    public bool HandedOn { get; set; }
}

/// <summary>
/// A write that was committed into a shared transaction (<see cref="SqliteWriterTurn"/>) which then failed because of
/// another write in it: nothing of it is stored; the store is unavailable for now (503) or full (507), as the cause says.
/// </summary>
public sealed class SqliteGroupCommitException(StoreFailureKind kind, Exception cause)
    : Exception("The write was not stored: the transaction it shared with other writes failed.", cause)
{
    public StoreFailureKind Kind { get; } = kind;
}
