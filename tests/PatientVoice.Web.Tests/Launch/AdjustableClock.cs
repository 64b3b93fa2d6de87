namespace PatientVoice.Web.Tests.Launch;

/// <summary>The system clock, moved forward while a test needs it (the server under test reads its time here).</summary>
internal sealed class AdjustableClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>Moves the clock <paramref name="by"/> until the returned handle is disposed.</summary>
    public IDisposable Shift(TimeSpan by)
    {
        Interlocked.Add(ref _offsetTicks, by.Ticks);
        return new Restore(this, by);
    }

    private sealed class Restore(AdjustableClock clock, TimeSpan by) : IDisposable
    {
        public void Dispose() => Interlocked.Add(ref clock._offsetTicks, -by.Ticks);
    }
}
