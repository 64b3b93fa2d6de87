namespace PatientVoice.Smart.Launch;

/// <summary>
/// One <c>fhirContext</c> entry of a token response (SMART App Launch 2.2): a relative <c>reference</c>
/// (<c>Appointment/123</c>), or a <c>canonical</c> (<c>http://…/Questionnaire/x|1.0</c>) with an optional <c>type</c>.
/// </summary>
public sealed record FhirContextItem(string? Reference, string? Canonical, string? Type, string? Role)
{
    /// <summary>The resource type named: from <see cref="Type"/>, else the reference's or canonical's path.</summary>
    public string? ResourceType => Type ?? TypeFromPath(Reference) ?? TypeFromPath(Canonical?.Split('|')[0]);

    private static string? TypeFromPath(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        var segments = value.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments.Length >= 2 ? segments[^2] : null;
    }
}
