using System.Diagnostics;
using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace PatientVoice.Benchmarks;

/// <summary>
/// Counts the methods the server process compiles, read from outside through its diagnostics port (the runtime's JIT
/// events over an EventPipe session, as <c>dotnet-trace</c> reads them). A load benchmark uses it to start measuring only
/// once tiered compilation has settled: under load the runtime re-compiles hot methods in the background (tier 0, then
/// instrumented, then optimized), and on a full machine that background work is starved, so for a minute or more the
/// server runs slower code than it will for the rest of its life (issue 19, tenth session: PostgreSQL submissions 69-113/s
/// in the first 50 s, 202/s after two minutes).
/// </summary>
internal sealed class ServerJit : IAsyncDisposable
{
    // The runtime's JIT keyword; MethodLoadVerbose (one per compiled method body, with its tier) is at Verbose.
    private const long JitKeyword = 0x10;
    private readonly EventPipeSession _session;
    private readonly EventPipeEventSource _source;
    private readonly Task _reading;
    private readonly List<long> _compiledAt = new(capacity: 64 * 1024);
    private bool _stopped;

    private ServerJit(EventPipeSession session)
    {
        _session = session;
        _source = new EventPipeEventSource(session.EventStream);
        _source.Clr.MethodLoadVerbose += _ =>
        {
            var now = Stopwatch.GetTimestamp();
            lock (_compiledAt)
            {
                _compiledAt.Add(now);
            }
        };
        _reading = Task.Factory.StartNew(ReadAll, TaskCreationOptions.LongRunning);
    }

    private void ReadAll()
    {
        try
        {
            _source.Process();
        }
        catch (Exception e) when (e is FormatException or IOException or EndOfStreamException)
        {
            // The server was killed mid-stream (the benchmark's end): the events read so far are all there is.
        }
    }

    public static ServerJit Watch(int processId)
    {
        var client = new DiagnosticsClient(processId);
        var session = client.StartEventPipeSession(
            new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Verbose, JitKeyword),
            requestRundown: false);
        return new ServerJit(session);
    }

    /// <summary>Method bodies compiled from <paramref name="from"/> (a <see cref="Stopwatch"/> timestamp) to now.</summary>
    public int CompiledSince(long from)
    {
        lock (_compiledAt)
        {
            var count = 0;
            for (var i = _compiledAt.Count - 1; i >= 0 && _compiledAt[i] >= from; i--)
            {
                count++;
            }

            return count;
        }
    }

    /// <summary>Method bodies compiled since the watch began.</summary>
    public int Compiled
    {
        get
        {
            lock (_compiledAt)
            {
                return _compiledAt.Count;
            }
        }
    }

    /// <summary>
    /// Waits until the server compiled at most <paramref name="settledCount"/> methods in the last
    /// <paramref name="span"/>, checking each second, after at least <paramref name="minimum"/> and at most
    /// <paramref name="maximum"/> from <paramref name="started"/>; returns whether it settled and the count it judged.
    /// </summary>
    public async Task<(bool Settled, int LastSpan)> SettleAsync(long started, TimeSpan minimum, TimeSpan maximum, TimeSpan span, int settledCount)
    {
        var wait = minimum - Stopwatch.GetElapsedTime(started);
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        while (true)
        {
            var elapsed = Stopwatch.GetElapsedTime(started);
            var lastSpan = CompiledSince(Stopwatch.GetTimestamp() - (long)(span.TotalSeconds * Stopwatch.Frequency));
            if (elapsed >= span && lastSpan <= settledCount)
            {
                return (true, lastSpan);
            }

            if (elapsed >= maximum)
            {
                return (false, lastSpan);
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Ends the session (the server stops writing JIT events) once the events sent so far are read.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        try
        {
            await _session.StopAsync(CancellationToken.None);
        }
        catch (ServerNotAvailableException)
        {
            // The server has gone already: nothing to stop.
        }

        await _reading;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _source.Dispose();
        _session.Dispose();
    }
}
