using Hl7.Fhir.Model;
using PatientVoice.Web.Launch;

namespace PatientVoice.Web.Clinicians.Presentation;

/// <summary>
/// Who the clinician page is about, on every clinician page whether or not the EHR draws its own banner: name, birth
/// date, gender and the EHR's record number (its <c>MR</c> identifier, else its first), read from the EHR.
/// </summary>
public sealed record PatientBanner(string Id, string? Name, string? BirthDate, string? Gender, string? RecordNumber = null)
{
    /// <summary>The patient's preferred language as the EHR records it (<c>en</c>, <c>es</c>), or null.</summary>
    public string? PreferredLanguage { get; init; }

    /// <summary>Reads the patient from the EHR; an unreachable EHR still gives a banner with the id (never a failed page).</summary>
    public static async Task<PatientBanner> ReadAsync(IEhrFhirClient ehr, SmartSession session, string patientId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(ehr);
        try
        {
            if (await ehr.ReadAsync(session, "Patient/" + patientId, cancellationToken) is Patient patient)
            {
                var name = patient.Name.FirstOrDefault(n => n.Use is HumanName.NameUse.Official) ?? patient.Name.FirstOrDefault();
                var text = name?.Text ?? string.Join(' ', (name?.Given ?? []).Append(name?.Family).Where(s => !string.IsNullOrWhiteSpace(s)));
                var record = patient.Identifier.FirstOrDefault(i => i.Type?.Coding.Any(c => c.Code == "MR") == true) ?? patient.Identifier.FirstOrDefault();
                return new PatientBanner(patientId, string.IsNullOrWhiteSpace(text) ? null : text, patient.BirthDate,
                    patient.Gender is { } g ? Hl7.Fhir.Utility.EnumUtility.GetLiteral(g) : null, record?.Value)
                {
                    PreferredLanguage = Patients.PreferredLanguage.Of(patient),
                };
            }
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The banner is a courtesy; the summary is ours and is shown regardless.
        }

        return new PatientBanner(patientId, null, null, null);
    }
}
