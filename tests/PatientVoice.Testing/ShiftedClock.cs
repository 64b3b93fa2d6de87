using System.Globalization;

namespace PatientVoice.Testing;

/// <summary>
/// A process's wall clock that a test moves while it runs, as an NTP step or a wrongly set clock moves a server's:
/// Debian's libfaketime preloaded into the process (<see cref="Environment"/>), reading the offset from a file this
/// class writes. Only the wall clock moves (<c>CLOCK_REALTIME</c>: <see cref="DateTimeOffset.UtcNow"/>, token times,
/// leases, <c>meta.lastUpdated</c>); the monotonic clock (timers, <see cref="System.Diagnostics.Stopwatch"/>) does not,
/// as on a real machine. ./test.sh installs the <c>faketime</c> package.
/// </summary>
public sealed class ShiftedClock : IDisposable
{
    private const string Library = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1";

    // libfaketime re-reads the offset file at most this often (seconds); a test waits a little longer after a move.
    private const int CacheSeconds = 1;

    private readonly string _file;

    public ShiftedClock()
    {
        if (!File.Exists(Library))
        {
            throw new InvalidOperationException($"{Library} is missing: install Debian's faketime package (./test.sh does).");
        }

        _file = Path.Combine(Path.GetTempPath(), $"patientvoice-clock-{Guid.NewGuid():N}");
        File.WriteAllText(_file, "+0");
    }

    /// <summary>The environment that puts a process on this clock.</summary>
    public IReadOnlyDictionary<string, string> Environment => new Dictionary<string, string>
    {
        ["LD_PRELOAD"] = Library,
        ["FAKETIME_TIMESTAMP_FILE"] = _file,
        ["FAKETIME_CACHE_DURATION"] = CacheSeconds.ToString(CultureInfo.InvariantCulture),
        ["FAKETIME_DONT_FAKE_MONOTONIC"] = "1",
    };

    /// <summary>The offset from true time the process now reads.</summary>
    public TimeSpan Offset { get; private set; }

    /// <summary>Moves the process's wall clock to true time plus <paramref name="offset"/>, and waits until it has read it.</summary>
    public async Task JumpToAsync(TimeSpan offset)
    {
        var seconds = (long)offset.TotalSeconds;
        // Written beside it and renamed over it, so libfaketime never reads a half-written (empty) offset.
        var next = _file + ".next";
        await File.WriteAllTextAsync(next, (seconds >= 0 ? "+" : "") + seconds.ToString(CultureInfo.InvariantCulture));
        File.Move(next, _file, overwrite: true);
        Offset = offset;
        await Task.Delay(TimeSpan.FromSeconds(CacheSeconds + 0.5));
    }

    public void Dispose() => File.Delete(_file);
}
