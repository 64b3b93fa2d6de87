using Hl7.Fhir.Model;

namespace PatientVoice.Web.Patients;

/// <summary>
/// The patient's preferred language as the EHR records it: the first <c>Patient.communication</c> marked
/// <c>preferred = true</c> whose language the pages speak (<c>es</c>, <c>es-MX</c>, … → <c>es</c>). A language merely
/// listed, not marked preferred, says only that the patient speaks it: the browser's language decides then.
/// </summary>
public static class PreferredLanguage
{
    public static string? Of(Patient? patient)
    {
        if (patient is null)
        {
            return null;
        }

        return patient.Communication
            .Where(c => c.Preferred == true)
            .SelectMany(c => c.Language?.Coding ?? [])
            .Select(coding => PatientText.Supported(coding.Code))
            .FirstOrDefault(language => language is not null);
    }
}
