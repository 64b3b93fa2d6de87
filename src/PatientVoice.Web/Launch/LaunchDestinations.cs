namespace PatientVoice.Web.Launch;

/// <summary>
/// Where the browser goes once a session exists: clinicians to <c>/clinician</c>; patients and family members to
/// <c>/patient</c>, or straight to the task a <c>fhirContext</c> names: a Questionnaire opens
/// <c>/patient/questionnaire?questionnaire={reference or canonical}</c>, an Appointment <c>/patient?appointment={id}</c>.
/// </summary>
public static class LaunchDestinations
{
    public static string For(SmartSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (session.Role == SessionRole.Practitioner)
        {
            return "/clinician";
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
