namespace PatientVoice.Application;

/// <summary>Configuration section <c>Fhir</c>.</summary>
public sealed class FhirApiOptions
{
    public const string Section = "Fhir";

    /// <summary>Largest request body accepted, in bytes (default 1 MiB); larger is a 413.</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Page size when a search has no <c>_count</c>.</summary>
    public int DefaultPageSize { get; set; } = 20;

    /// <summary>
    /// Hold our resource types to our profiles even when they do not claim them in meta.profile (the default).
    /// Off, a resource is validated against R4 core and the profiles it claims only.
    /// </summary>
    public bool ValidateAgainstDefaultProfiles { get; set; } = true;

    /// <summary>Largest page a client may ask for.</summary>
    public int MaxPageSize { get; set; } = 1000;
}
