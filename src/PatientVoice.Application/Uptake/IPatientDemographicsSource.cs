namespace PatientVoice.Application.Uptake;

/// <summary>
/// Where the uptake report learns each patient's demographics: the EHR (patients live there; PatientVoice holds no
/// copies). <see cref="EhrPatientDemographics"/> reads them with the backend-services token when configured;
/// otherwise <see cref="NoPatientDemographics"/> says they are not available.
/// </summary>
public interface IPatientDemographicsSource
{
    /// <summary>The demographics of <paramref name="patients"/> (<c>Patient/{id}</c>); a patient the EHR does not know is left out.</summary>
    Task<DemographicsLookup> ReadAsync(IReadOnlyCollection<string> patients, CancellationToken cancellationToken);
}

/// <summary>What a look-up found; <see cref="Available"/> false when the EHR was not asked or could not answer.</summary>
public sealed record DemographicsLookup(bool Available, IReadOnlyDictionary<string, PatientDemographics> Patients)
{
    public static DemographicsLookup Unavailable { get; } = new(false, new Dictionary<string, PatientDemographics>());

    public PatientDemographics For(string patient) => Patients.TryGetValue(patient, out var found) ? found : PatientDemographics.NotRecorded;
}

/// <summary>No EHR to ask (reading demographics is not configured): every patient "not recorded".</summary>
public sealed class NoPatientDemographics : IPatientDemographicsSource
{
    public Task<DemographicsLookup> ReadAsync(IReadOnlyCollection<string> patients, CancellationToken cancellationToken)
        => Task.FromResult(DemographicsLookup.Unavailable);
}
