using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SQLitePCL;

namespace PatientVoice.Storage.Sqlite;

/// <summary>
/// Copies the WAL back into the database file on a thread and a connection of its own (ADR 0036), so that no write waits
/// for it: the store tells this checkpointer how many pages each writer turn wrote (<see cref="Written"/>), and keeps
/// SQLite's own checkpoint in the commit only as a bound, at eight times <see cref="SqliteStoreOptions.CheckpointPages"/>,
/// for a burst of writes faster than this copies. Once <see cref="SqliteStoreOptions.CheckpointPages"/> pages
/// have been written since its last pass it runs a passive checkpoint (SQLite's own policy, with the same default, moved
/// off the writer's turn); writers go on appending meanwhile.
/// <para>
/// A passive checkpoint never waits for writers, so under steady writes it never catches up with the end of the WAL, and
/// SQLite restarts the WAL from its beginning only after a checkpoint that left nothing behind. When the WAL holds four
/// times <see cref="SqliteStoreOptions.CheckpointPages"/> or more after a pass, the writer's next turn ends with a
/// checkpoint on the writer connection (<see cref="CompleteIfDue"/>) that copies only what was written during the pass: the
/// next write starts the WAL afresh. Checkpoints sync as the writer's own would (<c>synchronous</c> is the store's), so
/// durability is what it was: a committed transaction is in the WAL whether or not a checkpoint has copied it.
/// </para>
/// A pass that fails (a full volume, an I/O error) is logged and tried again at the next write, not sooner than
/// <see cref="RetryDelay"/>; the WAL keeps every page meanwhile. Thread-safe.
/// </summary>
internal sealed partial class SqliteCheckpointer : IDisposable
{
    /// <summary>After a failed pass, the next one waits at least this long (and for the next write).</summary>
    public static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    private readonly string _connectionString;
    private readonly string _synchronous;
    private readonly int _passPages;
    private readonly int _restartPages;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _due = new(0, 1);
    private readonly Thread _thread;
    private long _pending;
    private long _written;
    private int _completionDue;
    private volatile bool _stopping;
    private long _passes;
    private long _completions;
    private long _failures;

    /// <param name="connectionString">The database's connection string (the checkpointer's connection is not pooled).</param>
    /// <param name="synchronous">The store's <c>synchronous</c> setting, which decides the checkpoint's syncs.</param>
    /// <param name="passPages">Pages written after which a pass runs.</param>
    /// <param name="restartPages">WAL pages from which a pass leaves the rest to the writer's next turn, to start the WAL afresh.</param>
    public SqliteCheckpointer(string connectionString, string synchronous, int passPages, int restartPages, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(passPages, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(restartPages, passPages);
        _connectionString = new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString();
        _synchronous = synchronous;
        _passPages = passPages;
        _restartPages = restartPages;
        _logger = logger;
        _thread = new Thread(Run) { IsBackground = true, Name = "SQLite checkpointer" };
        _thread.Start();
    }

    /// <summary>Passes run so far (passive checkpoints outside the writer turn).</summary>
    public long Passes => Interlocked.Read(ref _passes);

    /// <summary>Checkpoints run so far at the end of a writer turn (<see cref="CompleteIfDue"/>), to let the WAL start afresh.</summary>
    public long Completions => Interlocked.Read(ref _completions);

    /// <summary>Pages the writer turns wrote to the WAL so far, as told (<see cref="Written"/>).</summary>
    public long PagesWritten => Interlocked.Read(ref _written);

    /// <summary>Whether its thread still runs (until <see cref="Dispose"/>).</summary>
    public bool IsRunning => _thread.IsAlive;

    /// <summary>Checkpoints that failed so far (passes and end-of-turn completions).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>A writer turn wrote <paramref name="pages"/> pages to the WAL; wakes the checkpointer once enough have been.</summary>
    public void Written(long pages)
    {
        if (pages <= 0)
        {
            return;
        }

        Interlocked.Add(ref _written, pages);
        if (Interlocked.Add(ref _pending, pages) >= _passPages)
        {
            Wake();
        }
    }

    /// <summary>Stops the checkpointer after the pass in progress, if any, and closes its connection.</summary>
    public void Dispose()
    {
        _stopping = true;
        Wake();

        // A pass is a copy of at most a few thousand pages; a volume that hangs longer than this is left to the process's end.
        _thread.Join(TimeSpan.FromSeconds(30));
    }

    private void Run()
    {
        SqliteConnection? connection = null;
        try
        {
            while (true)
            {
                _due.Wait();
                if (_stopping)
                {
                    return;
                }

                var taken = Interlocked.Exchange(ref _pending, 0);
                try
                {
                    connection ??= Open();
                    Pass(connection);
                }
                catch (Exception e)
                {
                    // Whatever it was, not on this thread's stack: an exception escaping it would end the process.
                    Interlocked.Increment(ref _failures);
                    LogPassFailed(e is SqliteException s ? s.SqliteErrorCode : 0, e.GetType().Name);
                    connection?.Dispose();
                    connection = null;
                    // The pages are still to copy: the next write tries again, but not at once (a full volume frees up
                    // on its own time, and a failing one should not fill the log).
                    Thread.Sleep(RetryDelay);
                    Interlocked.Add(ref _pending, taken);
                }
            }
        }
        finally
        {
            connection?.Dispose();
        }
    }

    private void Wake()
    {
        if (_due.CurrentCount > 0)
        {
            return;
        }

        try
        {
            _due.Release();
        }
        catch (SemaphoreFullException)
        {
            // Woken already by another thread.
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var pragma = connection.CreateCommand();
            pragma.CommandText = $"PRAGMA synchronous={_synchronous};";
            pragma.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void Pass(SqliteConnection connection)
    {
        var (log, _) = Checkpoint(connection);
        Interlocked.Increment(ref _passes);
        if (log >= _restartPages)
        {
            // Left for the writer's next turn to finish (CompleteIfDue): only what was written during this pass is left.
            Volatile.Write(ref _completionDue, 1);
        }
    }

    /// <summary>
    /// Called by the store at the end of a writer turn, holding it, with the writer connection: when the last pass left a
    /// long WAL, copies what was written since (what came in during that pass), so that the WAL ends complete and the next
    /// write starts it afresh. A failure here is not the turn's: its transaction is committed; the next pass tries again.
    /// </summary>
    public void CompleteIfDue(SqliteConnection writer)
    {
        if (Interlocked.Exchange(ref _completionDue, 0) == 0)
        {
            return;
        }

        var rc = raw.sqlite3_wal_checkpoint_v2(writer.Handle, null, raw.SQLITE_CHECKPOINT_PASSIVE, out var log, out var copied);
        if (rc == raw.SQLITE_OK)
        {
            Interlocked.Increment(ref _completions);
            if (copied < log)
            {
                // A reader still on an older snapshot holds some pages: a later pass takes them.
                LogIncomplete(log - copied, log);
            }
        }
        else if (rc != raw.SQLITE_BUSY)
        {
            Interlocked.Increment(ref _failures);
            LogCompletionFailed(rc);
        }
    }

    private static (int Log, int Copied) Checkpoint(SqliteConnection connection)
    {
        var rc = raw.sqlite3_wal_checkpoint_v2(connection.Handle, null, raw.SQLITE_CHECKPOINT_PASSIVE, out var log, out var copied);
        if (rc == raw.SQLITE_BUSY)
        {
            // Another connection is checkpointing (the last one closing does): nothing for this pass to do.
            return (0, 0);
        }

        SqliteException.ThrowExceptionForRC(rc, connection.Handle);
        return (log, copied);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite checkpoint failed (SQLite error {ErrorCode}, {ExceptionType}); the WAL keeps every page and the checkpoint is tried again")]
    private partial void LogPassFailed(int errorCode, string exceptionType);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SQLite checkpoint at the end of a writer turn failed (SQLite error {ErrorCode}); the WAL keeps every page and the next pass tries again")]
    private partial void LogCompletionFailed(int errorCode);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SQLite checkpoint at the end of a writer turn left {Remaining} of {Log} WAL pages to a reader's snapshot")]
    private partial void LogIncomplete(int remaining, int log);
}
