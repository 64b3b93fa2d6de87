namespace PatientVoice.Storage;

/// <summary>
/// Times as the store keeps them: UTC, to the millisecond (the precision FHIR instants are written with),
/// so that what a client reads in meta.lastUpdated is exactly what _lastUpdated and _since compare.
/// </summary>
public static class StoreClock
{
    public static DateTimeOffset Now(TimeProvider time)
        => FromUnixMilliseconds(time.GetUtcNow().ToUnixTimeMilliseconds());

    public static DateTimeOffset FromUnixMilliseconds(long milliseconds)
        => DateTimeOffset.FromUnixTimeMilliseconds(milliseconds);
}
