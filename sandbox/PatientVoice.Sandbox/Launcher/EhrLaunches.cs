using Microsoft.Extensions.Options;
using PatientVoice.Sandbox.Authorization;
using PatientVoice.Sandbox.Seeding;
using PatientVoice.Sandbox.Users;

namespace PatientVoice.Sandbox.Launcher;

/// <summary>
/// What the launcher and the chart do to open PatientVoice: create an EHR launch for the patient and user
/// (the patient's encounter and upcoming appointment as context, as a pre-visit task would) and build the
/// app URL with <c>iss</c> and <c>launch</c>.
/// </summary>
public sealed class EhrLaunches(LaunchContextStore launches, SandboxUserDirectory users, IOptions<SandboxOptions> options)
{
    /// <summary>The practitioner who looks after the patient (the chart's user when none is named).</summary>
    public SandboxUser DefaultClinician(string patientId)
    {
        var seeded = EhrSeedData.Patients.FirstOrDefault(p => p.Id == patientId);
        var clinician = seeded is null ? EhrSeedData.Practitioners[0] : EhrSeedData.ClinicianFor(seeded);
        return users.Find(clinician.Id)!;
    }

    /// <summary>A clinician's launch: the app opens inside the chart, no patient banner needed.</summary>
    /// <param name="appContext">A CDS card link's <c>appContext</c>, relayed to the app in the token response.</param>
    public string ForClinician(string patientId, SandboxUser clinician, string? appContext = null)
        => launches.Create(new LaunchContext(patientId, Encounter(patientId), clinician.Login, Appointment(patientId), NeedPatientBanner: false, appContext));

    /// <summary>A patient-facing launch from the portal: as the patient, or a family member who acts for them.</summary>
    public string ForPortal(string patientId, SandboxUser user)
        => launches.Create(new LaunchContext(patientId, Encounter: null, user.Login, Appointment(patientId), NeedPatientBanner: true));

    /// <summary>Who opens the portal: the chosen user if they are the patient or act for them, else the patient.</summary>
    public SandboxUser PortalUser(string patientId, SandboxUser? chosen)
        => chosen is { Kind: not SandboxUserKind.Practitioner } && chosen.PatientId == patientId ? chosen : users.Find(patientId)!;

    /// <summary><c>{app}?iss=…&amp;launch=…</c>; the app is PatientVoice's <c>/launch</c> unless a CDS card's SMART link names another.</summary>
    public string AppUrl(string launch, string? app = null)
    {
        var target = IsKnownApp(app) ? app! : options.Value.AppBase + "/launch";
        var separator = target.Contains('?', StringComparison.Ordinal) ? '&' : '?';
        return $"{target}{separator}iss={Uri.EscapeDataString(options.Value.FhirBase)}&launch={Uri.EscapeDataString(launch)}";
    }

    public string StandaloneUrl => options.Value.AppBase + "/launch/standalone";

    /// <summary>
    /// Whether a launch may be handed to this URL: it lies on PatientVoice's origin or on that of a configured CDS
    /// service (whose cards carry SMART links). A launch is a credential for the patient's chart; it is not sent to
    /// any URL a query string names.
    /// </summary>
    public bool IsKnownApp(string? url)
    {
        if (!IsHttpUrl(url))
        {
            return false;
        }

        var origin = new Uri(url!).GetLeftPart(UriPartial.Authority);
        return options.Value.CdsServiceUrls.Append(options.Value.AppBase)
            .Any(known => Uri.TryCreate(known, UriKind.Absolute, out var uri) && string.Equals(uri.GetLeftPart(UriPartial.Authority), origin, StringComparison.OrdinalIgnoreCase));
    }

    public static bool IsHttpUrl(string? url)
        => Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps);

    /// <summary>The patient's (seeded) encounter, the context of a clinician's launch and of the CDS call.</summary>
    public string? Encounter(string patientId) => EhrSeedData.Patients.Any(p => p.Id == patientId) ? $"enc-{patientId}" : null;

    private static IReadOnlyList<FhirContextItem>? Appointment(string patientId)
        => EhrSeedData.Patients.Any(p => p.Id == patientId) ? [new FhirContextItem($"Appointment/appt-{patientId}")] : null;
}
