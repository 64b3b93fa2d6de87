namespace PatientVoice.Application.Uptake;

/// <summary>
/// Configuration section <c>Uptake</c> (docs/adr/0031). Race, ethnicity and the EHR's preferred language are read
/// from the EHR with the write-back's Backend Services client (section <c>EhrSync</c>: base, client id, key) when
/// <see cref="ReadDemographicsFromEhr"/> is true and EhrSync is enabled; the EHR must grant <see cref="DemographicsScope"/>.
/// </summary>
public sealed class UptakeOptions
{
    public const string Section = "Uptake";

    public bool ReadDemographicsFromEhr { get; set; }

    public string DemographicsScope { get; set; } = "system/Patient.rs";

    /// <summary>Patients asked for in one search (<c>Patient?_id=a,b,…</c>).</summary>
    public int BatchSize { get; set; } = 50;

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);
}
