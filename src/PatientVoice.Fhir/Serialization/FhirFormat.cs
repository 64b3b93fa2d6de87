namespace PatientVoice.Fhir.Serialization;

/// <summary>The FHIR wire formats we read and write.</summary>
public enum FhirFormat
{
    Json,
    Xml,
}
