using Hl7.Fhir.Model;

namespace PatientVoice.Web.Launch;

/// <summary>
/// Reads from the EHR a session was launched from, with that session's access token (refreshed before it
/// expires). Only configured EHRs are ever contacted.
/// </summary>
public interface IEhrFhirClient
{
    /// <summary>Reads <paramref name="reference"/> (e.g. <c>Patient/maria-garcia</c>); null when the EHR answers 404 or 410.</summary>
    Task<Resource?> ReadAsync(SmartSession session, string reference, CancellationToken cancellationToken);

    /// <summary>Searches <paramref name="resourceType"/> with a FHIR query string (without <c>?</c>), first page only.</summary>
    Task<Bundle> SearchAsync(SmartSession session, string resourceType, string query, CancellationToken cancellationToken);
}
