namespace PatientVoice.Sandbox.PatientVoiceApp;

/// <summary>The URLs to open, printed once everything answers.</summary>
internal static class StartupBanner
{
    public static void Write(SandboxOptions options, int? patientVoice)
    {
        var lines = new List<string>
        {
            "",
            "  Sandbox EHR    " + options.EhrBase + "/            launcher: pick a patient and a user, open PatientVoice",
            "                 " + options.FhirBase + "        FHIR base (iss)",
        };
        lines.Add(patientVoice is { } pid
            ? "  PatientVoice   " + options.AppBase + "/            (process " + pid + "; Ctrl-C stops both)"
            : "  PatientVoice   not started by this command; expected at " + options.AppBase);
        lines.Add("");
        Console.Out.WriteLine(string.Join(Environment.NewLine, lines));
    }
}
