namespace PatientVoice.Sandbox;

/// <summary>
/// <c>Sandbox:Profile</c>: <c>open</c> grants whatever it is asked (development); <c>strict</c> behaves like a cautious
/// production EHR: wildcard resource scopes are <c>invalid_scope</c>, only v1 scopes are advertised (no
/// <c>permission-v2</c>), clinicians' launches get no <c>offline_access</c>, QuestionnaireResponse and Goal writes are
/// refused, access tokens last five minutes, patient-facing launches need the patient banner, and a launch value
/// opens the app once.
/// </summary>
public static class SandboxProfiles
{
    public const string Open = "open";
    public const string Strict = "strict";

    /// <summary>The writes a strict EHR turns down (as many do: they keep the patient's own words out of the chart's structured data).</summary>
    public static readonly IReadOnlyList<string> StrictRefusedTypes = ["QuestionnaireResponse", "Goal"];

    public static bool IsStrict(string? profile) => string.Equals(profile, Strict, StringComparison.OrdinalIgnoreCase);

    /// <summary>Stops start-up on a profile this sandbox does not know, naming the key.</summary>
    public static void Validate(string? profile)
    {
        if (!string.Equals(profile, Open, StringComparison.OrdinalIgnoreCase) && !IsStrict(profile))
        {
            throw new InvalidOperationException($"Sandbox:Profile must be '{Open}' (the default) or '{Strict}', not '{profile}'.");
        }
    }
}
