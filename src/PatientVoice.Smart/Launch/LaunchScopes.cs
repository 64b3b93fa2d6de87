namespace PatientVoice.Smart.Launch;

/// <summary>Who a launch is for: it decides the resource scopes asked for.</summary>
public enum LaunchAudience
{
    /// <summary>A patient or a family member, from a patient portal (or standalone): <c>patient/</c> scopes.</summary>
    Patient,

    /// <summary>A clinician, from inside the EHR (or standalone): <c>user/</c> scopes.</summary>
    Clinician,
}

/// <summary>
/// The scopes PatientVoice asks an EHR for. PatientVoice only reads from the EHR during a session (it writes
/// the patient's words to its own store; write-back runs as a backend service), so it asks to read and search:
/// v2 <c>.rs</c> where the server lists <c>permission-v2</c>, v1 <c>.read</c> otherwise.
/// </summary>
public static class LaunchScopes
{
    public static string For(LaunchAudience audience, bool ehrLaunch, SmartConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var read = configuration.SupportsScopesV2 ? "rs" : "read";
        var scopes = new List<string>();
        if (ehrLaunch)
        {
            scopes.Add("launch");
        }
        else if (audience == LaunchAudience.Patient)
        {
            // Standalone: ask the EHR to establish the patient (the signed-in patient, or one a family member acts for).
            scopes.Add("launch/patient");
        }

        scopes.AddRange(["openid", "fhirUser", "offline_access"]);
        scopes.Add(audience == LaunchAudience.Patient ? $"patient/*.{read}" : $"user/*.{read}");
        return string.Join(' ', scopes);
    }
}
