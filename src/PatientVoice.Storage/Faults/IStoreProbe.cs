namespace PatientVoice.Storage.Faults;

/// <summary>Asks the database a trivial question: it answers, or the probe throws (the readiness check).</summary>
public interface IStoreProbe
{
    Task ProbeAsync(CancellationToken cancellationToken);
}
