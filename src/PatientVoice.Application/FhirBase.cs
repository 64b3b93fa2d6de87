namespace PatientVoice.Application;

/// <summary>Where the FHIR API lives on this server: absolute URLs in Bundle entries are made relative against it.</summary>
public static class FhirBase
{
    public const string Path = "/fhir";
}
