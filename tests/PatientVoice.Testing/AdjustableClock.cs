namespace PatientVoice.Testing;

/// <summary>
/// The system's wall clock, moved by a test (as NTP or an operator steps a server's clock): given to an in-process
/// server or store as its <see cref="TimeProvider"/>. For a server in its own process, see <see cref="ShiftedClock"/>.
/// </summary>
public sealed class AdjustableClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves the clock <paramref name="by"/> until the returned handle is disposed.</summary>
    public IDisposable Shift(TimeSpan by)
    {
        Interlocked.Add(ref _offsetTicks, by.Ticks);
        return new Restore(this, by);
    }

    /// <summary>From now on the clock reads true time plus <paramref name="offset"/>.</summary>
    public void StepTo(TimeSpan offset) => Interlocked.Exchange(ref _offsetTicks, offset.Ticks);

    private sealed class Restore(AdjustableClock clock, TimeSpan by) : IDisposable
    {
        public void Dispose() => Interlocked.Add(ref clock._offsetTicks, -by.Ticks);
    }
}
