namespace PatientVoice.Fhir.Conformance;

/// <summary>Where our conformance package and the R4 core specification are, and which profiles apply by default.</summary>
public sealed class ConformanceOptions
{
    /// <summary>The profiles/ folder (a FHIR NPM package). Default: the copy beside the binaries.</summary>
    public string ProfilesDirectory { get; set; } = Path.Combine(AppContext.BaseDirectory, "profiles");

    /// <summary>
    /// profiles/ compiled at build time (snapshots generated, with the R4 core conformance resources):
    /// tools/PatientVoice.Fhir.PackageBuilder writes it, PatientVoice.Fhir's build copies it beside the binaries.
    /// </summary>
    public string CompiledPackagePath { get; set; } = Path.Combine(AppContext.BaseDirectory, CompiledPackageFormat.FileName);

    /// <summary>
    /// The profiles a resource of our types is validated against when it does not name them itself.
    /// Replace or clear the list to change the policy; the first matching rule of each profile applies.
    /// </summary>
    public IList<DefaultProfileRule> DefaultProfiles { get; } = DefaultProfileRule.PatientVoiceDefaults();

    /// <summary>
    /// A meta.profile that cannot be resolved here (not in profiles/ nor R4 core, e.g. SDC's) is reported as a warning and the
    /// resource is still validated against core and our profiles. Set true to reject such resources instead. Profiles asked for
    /// explicitly (the <c>profile</c> parameter) must always resolve.
    /// </summary>
    public bool RejectUnknownMetaProfiles { get; set; }

    /// <summary>
    /// How many answers of the local terminology service (is this code in this ValueSet?) the validator remembers
    /// (<c>MemoisingTerminologyService</c>); 0 asks the SDK's service every time. Bounded because codes come from clients.
    /// </summary>
    public int CodeValidationCacheSize { get; set; } = 4096;

    /// <summary>
    /// How many validation reports the validator remembers by shape (ADR 0038: a resource with the same elements, datatypes
    /// and values as one validated before, apart from plain free text and reference ids that no rule reads, gets the same
    /// report); 0 validates every resource in full. Bounded because resources come from clients.
    /// </summary>
    public int ValidationShapeCacheSize { get; set; } = 4096;

    /// <summary>meta.profile entries that are never validated against: known to be unresolvable (LHC-Forms writes the first).</summary>
    public ISet<string> IgnoredMetaProfiles { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "http://hl7.org/fhir/4.0/StructureDefinition/QuestionnaireResponse",
    };
}
