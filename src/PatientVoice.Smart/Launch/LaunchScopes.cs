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
/// the patient's words to its own store; write-back runs as a backend service), so by default it asks to read and
/// search exactly the resource types it reads, by name (never <c>*</c>): v2 <c>.rs</c> where the server lists
/// <c>permission-v2</c>, v1 <c>.read</c> otherwise. Patients get <c>offline_access</c> (a portal session may be
/// finished later); clinicians <c>online_access</c> (a refresh token that ends with their EHR session).
/// An EHR's own list (<c>Smart:Ehrs:{n}:Scopes</c>) replaces the default, the launch scope aside.
/// </summary>
public static class LaunchScopes
{
    /// <summary>
    /// The whole <c>scope</c> of an authorize request: the launch scope (<c>launch</c> for an EHR launch,
    /// <c>launch/patient</c> for a patient's standalone start, none for a clinician's) followed by
    /// <paramref name="scopes"/> (a configured list, or <see cref="Default"/>), each once.
    /// </summary>
    /// <param name="choosePatient">
    /// A clinician's standalone start that asks the EHR to establish a patient (<c>launch/patient</c>: the EHR shows its
    /// patient picker); without it a clinician's standalone start names no patient (PatientVoice's clinic list).
    /// </param>
    public static string For(LaunchAudience audience, bool ehrLaunch, IEnumerable<string> scopes, bool choosePatient = false)
    {
        ArgumentNullException.ThrowIfNull(scopes);
        var all = new List<string>();
        if (ehrLaunch)
        {
            all.Add("launch");
        }
        else if (audience == LaunchAudience.Patient || choosePatient)
        {
            // Standalone: ask the EHR to establish the patient (the signed-in patient, one a family member acts for,
            // or the one a clinician picks).
            all.Add("launch/patient");
        }

        foreach (var scope in scopes)
        {
            // The launch scope depends on how PatientVoice was opened, not on the EHR: a configured one is ignored.
            if (scope is not ("launch" or "launch/patient") && !all.Contains(scope, StringComparer.Ordinal))
            {
                all.Add(scope);
            }
        }

        return string.Join(' ', all);
    }

    /// <summary>
    /// The least PatientVoice needs at an EHR: <c>openid fhirUser</c>, <c>offline_access</c> (patients) or
    /// <c>online_access</c> (clinicians), and read and search of each of <paramref name="resourceTypes"/>
    /// (<c>patient/</c> for patients, <c>user/</c> for clinicians; <c>.rs</c> or v1 <c>.read</c> as the server says).
    /// </summary>
    public static IReadOnlyList<string> Default(LaunchAudience audience, SmartConfiguration configuration, IEnumerable<string> resourceTypes)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(resourceTypes);
        var read = configuration.SupportsScopesV2 ? "rs" : "read";
        var context = audience == LaunchAudience.Patient ? "patient" : "user";
        var scopes = new List<string> { "openid", "fhirUser", audience == LaunchAudience.Patient ? "offline_access" : "online_access" };
        foreach (var type in resourceTypes.Distinct(StringComparer.Ordinal))
        {
            if (type is "*" || type.Length == 0 || !char.IsAsciiLetterUpper(type[0]) || !type.All(char.IsAsciiLetter))
            {
                throw new ArgumentException($"'{type}' is not a resource type name.", nameof(resourceTypes));
            }

            scopes.Add($"{context}/{type}.{read}");
        }

        return scopes;
    }
}
