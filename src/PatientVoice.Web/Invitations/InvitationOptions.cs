namespace PatientVoice.Web.Invitations;

/// <summary>Section <c>Invitations</c>: how hard the one-time links' pages are rate-limited (docs/adr/0029).</summary>
public sealed class InvitationOptions
{
    public const string Section = "Invitations";

    /// <summary>Link look-ups (opening <c>/i/…</c>) per minute from one client address.</summary>
    public int LookupsPerMinute { get; set; } = 30;

    /// <summary>Date-of-birth attempts per link within <see cref="BirthDateWindow"/>.</summary>
    public int BirthDateAttempts { get; set; } = 5;

    public TimeSpan BirthDateWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The clinic's name the clinician page offers for a new link (the person can change it); none: they type it.</summary>
    public string? ClinicName { get; set; }
}
