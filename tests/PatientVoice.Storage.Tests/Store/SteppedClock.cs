namespace PatientVoice.Storage.Tests.Store;

/// <summary>The system's wall clock, stepped ahead or behind by a test (as NTP or an operator steps a server's clock).</summary>
public sealed class SteppedClock : TimeProvider
{
    private long _offsetTicks;

    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));

    /// <summary>From now on the clock reads true time plus <paramref name="offset"/>.</summary>
    public void StepTo(TimeSpan offset) => Interlocked.Exchange(ref _offsetTicks, offset.Ticks);
}
