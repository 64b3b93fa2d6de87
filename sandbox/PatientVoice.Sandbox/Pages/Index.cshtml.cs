using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PatientVoice.Sandbox.Launcher;
using PatientVoice.Sandbox.Users;

namespace PatientVoice.Sandbox.Pages;

/// <summary>The launcher: a patient, a user, and the ways the EHR opens PatientVoice for them.</summary>
public sealed class IndexModel(SandboxUserDirectory users, EhrLaunches launches) : PageModel
{
    [BindProperty]
    public string? Patient { get; set; }

    [BindProperty(Name = "user")]
    public string? ChosenUser { get; set; }

    public string? Error { get; private set; }

    public IReadOnlyList<SandboxUser> Patients => users.All.Where(u => u.Kind == SandboxUserKind.Patient).ToList();

    public IReadOnlyList<SandboxUser> Users => users.All;

    public string StandaloneUrl => launches.StandaloneUrl;

    public void OnGet()
    {
    }

    /// <summary>An EHR launch as the chosen practitioner, shown inside the chart.</summary>
    public IActionResult OnPostClinician()
    {
        if (Chosen() is not { } chosen)
        {
            return Page();
        }

        var (patient, user) = chosen;

        if (user is not { Kind: SandboxUserKind.Practitioner })
        {
            Error = "Pick a practitioner to open PatientVoice as a clinician (or open the patient portal).";
            return Page();
        }

        var launch = launches.ForClinician(patient, user);
        return RedirectToPage("/Chart", new { patientId = patient, user = user.Login, launch });
    }

    /// <summary>A patient-facing launch, straight into PatientVoice.</summary>
    public IActionResult OnPostPortal()
    {
        if (Chosen() is not { } chosen)
        {
            return Page();
        }

        var (patient, user) = chosen;

        var portalUser = launches.PortalUser(patient, user);
        return Redirect(launches.AppUrl(launches.ForPortal(patient, portalUser)));
    }

    public IActionResult OnPostChart()
    {
        if (Chosen() is not { } chosen)
        {
            return Page();
        }

        var (patient, user) = chosen;

        return RedirectToPage("/Chart", new { patientId = patient, user = user is { Kind: SandboxUserKind.Practitioner } ? user.Login : null });
    }

    private (string Patient, SandboxUser? User)? Chosen()
    {
        if (users.Find(Patient) is not { Kind: SandboxUserKind.Patient } patient)
        {
            Error = "Pick a patient.";
            return null;
        }

        return (patient.PatientId!, users.Find(ChosenUser));
    }
}
