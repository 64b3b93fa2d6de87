using PatientVoice.Storage;

namespace PatientVoice.Web.FhirApi.Write;

/// <summary>The result of a write interaction: the version now current and the HTTP status it earns.</summary>
public sealed record WriteOutcome(StoredResource Stored, int StatusCode)
{
    public bool Created => StatusCode == StatusCodes.Status201Created;
}
