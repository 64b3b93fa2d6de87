using Microsoft.Data.Sqlite;
using PatientVoice.Storage.Faults;

namespace PatientVoice.Storage.Sqlite;

/// <summary>
/// The SQLite store's writer turn (ADR 0001's addendum), with group commit (ADR 0035). Writers take turns on the one
/// writer connection, one at a time. With group commit each write session is a savepoint of an open
/// <c>BEGIN IMMEDIATE</c> transaction: a session that commits while other writers wait for the turn releases its
/// savepoint into that transaction and hands the turn on, and the transaction is committed, once for all of them, by the
/// first session that ends with no writer waiting, or by the <see cref="MaxGroup"/>th. Every session's commit returns only
/// after the <c>COMMIT</c> that holds its writes: nothing is acknowledged that a crash could lose, exactly as with one
/// transaction per session, and <c>synchronous</c> means what it meant. The pages that several writes in a row change (a
/// table's last page, the end of an index's run of one value) go to the WAL once per group instead of once per write.
/// <para>
/// A session rolled back undoes its own savepoint only. A session that fails in the database (a full disk, an I/O error, a
/// statement cancelled half-way) may have cost the whole transaction (SQLite rolls back on such errors), so the sessions
/// waiting in it fail too, with <see cref="SqliteGroupCommitException"/> (a 503 or 507, never acknowledged, nothing of
/// them stored), and the connection is replaced. Without group commit each session is a transaction of its own.
/// </para>
/// </summary>
internal sealed class SqliteWriterTurn
{
    /// <summary>At most this many write sessions share one COMMIT.</summary>
    public const int MaxGroup = 64;

    // One name for every session's savepoint: sessions take the turn one after another, so at most one is open, and the
    // statements are the same text each time (prepared once on the writer connection).
    private const string SavepointSql = "SAVEPOINT pv_session";
    private const string ReleaseSql = "RELEASE pv_session";
    private const string RollbackSql = "ROLLBACK TO pv_session; RELEASE pv_session";

    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly Func<CancellationToken, Task<SqliteWriterConnection>> _openWriter;
    private readonly Action _discardWriter;
    private readonly Action<SqliteWriterConnection> _committed;
    private readonly bool _grouping;
    private readonly List<TaskCompletionSource> _waitingForCommit = [];
    // Sessions waiting for the turn that will write into the open transaction (not background work, not a change run
    // alone: those commit it first, so handing the turn on to them would only make the writes in it wait longer).
    private int _waitingToJoin;
    private long _sharedCommits;

    // Used only while holding the turn: the writer connection of the turn in progress and the transaction left open for
    // the sessions to come (group commit only).
    private SqliteWriterConnection? _writer;
    private SqliteTransaction? _open;

    /// <param name="openWriter">The writer connection, opened if there is none (called holding the turn).</param>
    /// <param name="discardWriter">Closes the writer connection; the next turn opens a new one.</param>
    /// <param name="committed">A turn ends with nothing left uncommitted on the writer (its pages counted, a checkpoint run if due).</param>
    /// <param name="grouping">Group commit; false commits every session alone.</param>
    public SqliteWriterTurn(Func<CancellationToken, Task<SqliteWriterConnection>> openWriter, Action discardWriter, Action<SqliteWriterConnection> committed, bool grouping)
    {
        _openWriter = openWriter;
        _discardWriter = discardWriter;
        _committed = committed;
        _grouping = grouping;
    }

    /// <summary>Sessions whose writes were committed by one COMMIT together with another session's (for tests and benchmarks).</summary>
    public long SharedCommits => Interlocked.Read(ref _sharedCommits);

    /// <summary>
    /// Takes the turn and starts a session: a savepoint in the open transaction or a new one, or a transaction of its own.
    /// A <paramref name="background"/> session (work no request waits on) first commits the writes waiting in the open
    /// transaction, so that they do not wait for it, and is not waited for by the sessions before it.
    /// </summary>
    public async Task<SqliteWriterTurnSession> BeginSessionAsync(bool background, CancellationToken cancellationToken)
    {
        await TakeAsync(joining: _grouping && !background, cancellationToken);
        try
        {
            if (background)
            {
                CommitOpen(committing: false);
            }

            var writer = _writer = await _openWriter(cancellationToken);
            if (_open is { } open)
            {
                // Sessions before this one wait in the transaction: a savepoint, so that a rollback takes back this one's
                // writes only.
                Execute(writer, open, SavepointSql);
                return new SqliteWriterTurnSession(this, writer, open, savepoint: true, ownsTransaction: false);
            }

            // BEGIN IMMEDIATE: take the write lock now, so reads inside the session see what it will write over. The first
            // session of a transaction needs no savepoint: a rollback of the transaction takes back nothing else.
            var transaction = writer.BeginTransaction(deferred: false);
            if (_grouping)
            {
                _open = transaction;
            }

            return new SqliteWriterTurnSession(this, writer, transaction, savepoint: false, ownsTransaction: !_grouping);
        }
        catch (Exception e)
        {
            // Busy past the timeout, the file could not be opened, or the savepoint failed: start afresh.
            End(e);
            throw;
        }
    }

    /// <summary>Runs <paramref name="change"/> in a transaction of its own, once what waits in the open one is committed.</summary>
    public async Task<T> RunAloneAsync<T>(Func<SqliteWriterConnection, SqliteTransaction, Task<T>> change, CancellationToken cancellationToken)
    {
        await TakeAsync(joining: false, cancellationToken);
        Exception? fault = null;
        try
        {
            CommitOpen(committing: false);
            var writer = _writer = await _openWriter(cancellationToken);
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

    /// <summary>
    /// Commits what waits in the open transaction, runs <paramref name="closing"/> and closes the writer, once the write in
    /// progress (if any) has ended; false when a session held the turn for longer than <paramref name="wait"/> (then its
    /// connection is left to it).
    /// </summary>
    public bool Close(TimeSpan wait, Action closing)
    {
        if (!_lock.Wait(wait))
        {
            return false;
        }

        try
        {
            CommitOpen(committing: false);
        }
        catch (Exception)
        {
            // The sessions waiting in it were told (CommitOpen); the connection goes anyway.
        }
        finally
        {
            try
            {
                closing();
            }
            finally
            {
                Discard();
                _lock.Release();
            }
        }

        return true;
    }

    /// <summary>
    /// The session's commit. With group commit: its savepoint released into the open transaction, then either that
    /// transaction committed now (nobody waiting for the turn, or the group full), or the turn handed on
    /// (<see cref="SqliteWriterTurnSession.HandedOn"/>) and the COMMIT of a later session awaited.
    /// </summary>
    internal async Task CommitAsync(SqliteWriterTurnSession session, CancellationToken cancellationToken)
    {
        if (!_grouping)
        {
            await session.Transaction.CommitAsync(cancellationToken);
            return;
        }

        if (session.Savepoint)
        {
            Execute(session.Connection, session.Transaction, ReleaseSql);
        }

        if (Volatile.Read(ref _waitingToJoin) == 0 || _waitingForCommit.Count + 1 >= MaxGroup)
        {
            CommitOpen(committing: true);
            return;
        }

        var committed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _waitingForCommit.Add(committed);
        session.HandedOn = true;
        _lock.Release();
        // Not cancellable: the writes are in the transaction now, and the writer that commits it answers soon.
        await committed.Task;
    }

    /// <summary>Undoes a session that did not commit: its savepoint only, or the transaction it began.</summary>
    internal void Rollback(SqliteWriterTurnSession session)
    {
        if (session.Savepoint)
        {
            Execute(session.Connection, session.Transaction, RollbackSql);
            return;
        }

        session.Transaction.Rollback();
        if (ReferenceEquals(_open, session.Transaction))
        {
            _open = null;
            session.Transaction.Dispose();
        }
    }

    /// <summary>
    /// Ends a turn: after a fault, fails what waits in the open transaction and replaces the connection; else commits it
    /// unless another writer is waiting to add to it; then hands the turn on.
    /// </summary>
    internal void End(Exception? fault)
    {
        try
        {
            if (fault is not null)
            {
                FailOpen(fault);
                Discard();
            }
            else if (_open is not null && (Volatile.Read(ref _waitingToJoin) == 0 || _waitingForCommit.Count >= MaxGroup))
            {
                CommitOpen(committing: false);
            }

            if (_open is null && _writer is { } writer)
            {
                if (writer.IsOutsideTransaction)
                {
                    _committed(writer);
                }
                else
                {
                    // A transaction left open that is not the turn's: the connection is not in a state to reuse.
                    Discard();
                }
            }
        }
        catch (Exception)
        {
            // CommitOpen failed and has told the sessions waiting for it; the connection is replaced.
            Discard();
        }
        finally
        {
            _lock.Release();
        }
    }

    private static void Execute(SqliteWriterConnection writer, SqliteTransaction transaction, string sql)
    {
        using var command = writer.Prepared(sql, transaction);
        command.ExecuteNonQuery();
    }

    private void Discard()
    {
        _open = null;
        _writer = null;
        _discardWriter();
    }

    private async Task TakeAsync(bool joining, CancellationToken cancellationToken)
    {
        if (!joining)
        {
            await _lock.WaitAsync(cancellationToken);
            return;
        }

        Interlocked.Increment(ref _waitingToJoin);
        try
        {
            await _lock.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The holder may have handed the turn on counting on this writer, with sessions waiting for their commit: if
            // nobody else is coming to add to them, take the turn anyway (without the cancelled token) and commit them.
            if (Interlocked.Decrement(ref _waitingToJoin) == 0)
            {
                _ = Task.Run(FlushAsync, CancellationToken.None);
            }

            throw;
        }

        Interlocked.Decrement(ref _waitingToJoin);
    }

    private async Task FlushAsync()
    {
        await _lock.WaitAsync();
        End(null);
    }

    /// <summary>
    /// Commits the open transaction, if any, and answers the sessions waiting in it; on failure fails them and rethrows.
    /// <paramref name="committing"/>: the caller is a session whose own writes are in it too.
    /// </summary>
    private void CommitOpen(bool committing)
    {
        if (_open is not { } open)
        {
            return;
        }

        _open = null;
        try
        {
            open.Commit();
            open.Dispose();
        }
        catch (Exception e)
        {
            Fail(e);
            throw;
        }

        var sessions = _waitingForCommit.Count + (committing ? 1 : 0);
        if (sessions > 1)
        {
            Interlocked.Add(ref _sharedCommits, sessions);
        }

        foreach (var waiting in _waitingForCommit)
        {
            waiting.SetResult();
        }

        _waitingForCommit.Clear();
    }

    private void FailOpen(Exception fault)
    {
        if (_open is { } open)
        {
            _open = null;
            try
            {
                open.Dispose(); // rolls back what is left of it
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
        if (_waitingForCommit.Count == 0)
        {
            return;
        }

        var failure = new SqliteGroupCommitException(StoreFailure.Classify(fault) ?? StoreFailureKind.Unavailable, fault);
        foreach (var waiting in _waitingForCommit)
        {
            waiting.SetException(failure);
        }

        _waitingForCommit.Clear();
    }
}
