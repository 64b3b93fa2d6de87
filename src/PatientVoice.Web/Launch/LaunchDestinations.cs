namespace PatientVoice.Web.Launch;

/// <summary>
/// Where the browser goes once a session exists: clinicians to <c>/clinician</c>; patients and family members to
/// <c>/patient</c>, or straight to the task a <c>fhirContext</c> names: a Questionnaire opens
/// <c>/patient/questionnaire?questionnaire={reference or canonical}</c>, an Appointment <c>/patient?appointment={id}</c>.
/// A clinician launched from one of our CDS cards opens the part of the summary the card was about: its
/// <c>appContext</c> <c>clinician-summary/{section}</c> (<see cref="CdsHooks.CdsCardBuilder"/>) opens
/// <c>/clinician#{section}</c>; anything else opens <c>/clinician</c>.
/// </summary>
public static class LaunchDestinations
{
    /// <summary>The <c>appContext</c> of a card's SMART link: the clinician summary as a whole.</summary>
    public const string ClinicianSummary = "clinician-summary";

    /// <summary>The sections of the clinician summary (their element ids) a card's <c>appContext</c> may name.</summary>
    public static readonly IReadOnlyList<string> ClinicianSections = ["safety", "agenda", "visit", "changes", "expertise", "preferences", "goals"];

    /// <summary><c>clinician-summary/{section}</c>, the <c>appContext</c> that opens that section.</summary>
    public static string ClinicianSummaryAt(string section) => ClinicianSummary + "/" + section;

    public static string For(SmartSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Role == SessionRole.Practitioner)
        {
            // Only our own section names become a fragment: an appContext is opaque text the EHR relays.
            var section = session.AppContext is { } context && context.StartsWith(ClinicianSummary + "/", StringComparison.Ordinal)
                ? context[(ClinicianSummary.Length + 1)..]
                : null;
            return section is not null && ClinicianSections.Contains(section, StringComparer.Ordinal) ? "/clinician#" + section : "/clinician";
        }

        if (session.FhirContext.FirstOrDefault(c => TypeOf(c) == "Questionnaire") is { } questionnaire)
        {
            return "/patient/questionnaire?questionnaire=" + Uri.EscapeDataString(questionnaire);
        }

        if (session.FhirContext.FirstOrDefault(c => TypeOf(c) == "Appointment") is { } appointment)
        {
            return "/patient?appointment=" + Uri.EscapeDataString(appointment.Split('/')[^1]);
        }

        return "/patient";
    }

    // "Questionnaire/x", "http://example.org/Questionnaire/x|1.0" → "Questionnaire".
    private static string? TypeOf(string context)
    {
        var segments = context.Split('|')[0].Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length >= 2 ? segments[^2] : null;
    }
}
