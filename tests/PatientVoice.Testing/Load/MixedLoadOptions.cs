namespace PatientVoice.Testing.Load;

/// <summary>How many virtual users of each kind, for how long, and how fast they act.</summary>
public sealed record MixedLoadOptions
{
    /// <summary>Patients filling in forms (portal launch, open the form, drafts, review, submit), each a user of its own.</summary>
    public int Patients { get; init; } = 8;

    /// <summary>Clinicians opening a patient's summary from the EHR, acknowledging it and recording agenda outcomes.</summary>
    public int Clinicians { get; init; } = 2;

    /// <summary>Integrators searching the FHIR API with a system token.</summary>
    public int Integrators { get; init; } = 2;

    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Between two draft saves; the page saves every 3 s while the patient types.</summary>
    public TimeSpan DraftEvery { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Draft saves per form before the patient reviews and sends it.</summary>
    public int DraftsPerForm { get; init; } = 3;

    /// <summary>A clinician's or integrator's pause between two actions (a random 50-150 % of it).</summary>
    public TimeSpan ThinkTime { get; init; } = TimeSpan.FromSeconds(2);

    public int TotalUsers => Patients + Clinicians + Integrators;
}
