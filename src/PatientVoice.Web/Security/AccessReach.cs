namespace PatientVoice.Web.Security;

/// <summary>Which patients' data an access may touch: none, one patient's compartment, or every patient's.</summary>
public sealed record AccessReach
{
    private AccessReach(bool granted, string? patientId)
    {
        Granted = granted;
        PatientId = patientId;
    }

    public static AccessReach None { get; } = new(false, null);

    public static AccessReach AllPatients { get; } = new(true, null);

    public static AccessReach Patient(string patientId) => new(true, patientId);

    public bool Granted { get; }

    /// <summary>The one patient, or null for every patient (or for none when not <see cref="Granted"/>).</summary>
    public string? PatientId { get; }

    public bool IsAllPatients => Granted && PatientId is null;

    public override string ToString() => !Granted ? "none" : PatientId is null ? "all patients" : $"Patient/{PatientId}";
}
