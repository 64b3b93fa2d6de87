namespace PatientVoice.Sandbox.Ehr;

/// <summary>
/// Which writes the sandbox EHR turns down, so tests can prove PatientVoice's fallbacks (keys under <c>Sandbox</c>).
/// Real EHRs do both: some refuse a type they list (only certain Observation categories, say), others do not list it.
/// </summary>
public sealed class EhrWriteRules
{
    /// <summary><c>Sandbox:RefusedTypes</c>: listed as writable in the CapabilityStatement, but every write answers 422 with an OperationOutcome.</summary>
    public List<string> RefusedTypes { get; set; } = [];

    /// <summary><c>Sandbox:UnlistedTypes</c>: not writable at all, and the CapabilityStatement says so (writes answer 405).</summary>
    public List<string> UnlistedTypes { get; set; } = [];

    /// <summary><c>Sandbox:Profile</c>: under <c>strict</c>, QuestionnaireResponse and Goal are refused as well (<see cref="SandboxProfiles.StrictRefusedTypes"/>).</summary>
    public string Profile { get; set; } = SandboxProfiles.Open;

    public bool IsListed(string resourceType) => EhrResourceTypes.Writable.Contains(resourceType) && !UnlistedTypes.Contains(resourceType);

    /// <summary>Listed, but every write refused (422).</summary>
    public bool IsRefused(string resourceType)
        => RefusedTypes.Contains(resourceType) || (SandboxProfiles.IsStrict(Profile) && SandboxProfiles.StrictRefusedTypes.Contains(resourceType));
}
