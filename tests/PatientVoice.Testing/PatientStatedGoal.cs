using System.Text.Encodings.Web;
using System.Text.Json;

namespace PatientVoice.Testing;

/// <summary>
/// The Goal the load tests create: valid against our patient-stated Goal profile (as
/// profiles/examples/Goal-patient-stated-valid.json: the LOINC 87528-6 category, description.text, and
/// expressedBy = the subject), so every create passes the server's validation. It does not claim the profile
/// in meta.profile; the server holds Goals to it by default (Fhir:ValidateAgainstDefaultProfiles).
/// </summary>
public static class PatientStatedGoal
{
    /// <summary>About 600 bytes of FHIR JSON for <paramref name="patient"/> (e.g. <c>Patient/bench-1</c>).</summary>
    public static string Json(string patient, string description)
    {
        var subject = JsonEncodedText.Encode(patient, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        var text = JsonEncodedText.Encode(description, JavaScriptEncoder.UnsafeRelaxedJsonEscaping);
        return $$"""
            {"resourceType":"Goal","lifecycleStatus":"active","achievementStatus":{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/goal-achievement","code":"in-progress"}]},"category":[{"coding":[{"system":"http://loinc.org","code":"87528-6","display":"Personal health goal"}]}],"description":{"text":"{{text}}"},"subject":{"reference":"{{subject}}"},"startDate":"2026-01-15","expressedBy":{"reference":"{{subject}}"},"note":[{"text":"In my own words: I want to get my breath back."}]}
            """;
    }
}
