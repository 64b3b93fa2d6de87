using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PatientVoice.Sandbox.CdsHooks;
using PatientVoice.Sandbox.Chart;
using PatientVoice.Sandbox.Launcher;
using PatientVoice.Sandbox.Users;

namespace PatientVoice.Sandbox.Pages;

/// <summary>
/// A patient's chart as a clinician sees it: the CDS cards of the <c>patient-view</c> hook, the clinician notes
/// beside the patient's own words, and, after a launch, PatientVoice inside the chart.
/// </summary>
public sealed class ChartModel(PatientChartReader reader, CdsHooksClient cds, SandboxUserDirectory users, EhrLaunches launches) : PageModel
{
    public PatientChart? Chart { get; private set; }

    /// <summary>The clinician viewing the chart (<c>?user=</c>, else the one who looks after the patient).</summary>
    public SandboxUser Viewer { get; private set; } = null!;

    public CdsHooksOutcome Cds { get; private set; } = CdsHooksOutcome.None;

    /// <summary>PatientVoice (or a card's SMART app) launched in the chart: the frame's URL with <c>iss</c> and <c>launch</c>.</summary>
    public string? AppFrameUrl { get; private set; }

    public async Task<IActionResult> OnGetAsync(string patientId, string? user, string? launch, string? app, CancellationToken cancellationToken)
    {
        Chart = await reader.ReadAsync(patientId, cancellationToken);
        if (Chart is null)
        {
            return NotFound();
        }

        Viewer = Clinician(patientId, user);
        if (!string.IsNullOrEmpty(launch))
        {
            AppFrameUrl = launches.AppUrl(launch, app);
        }

        Cds = await cds.PatientViewAsync(new PatientViewContext(patientId, Viewer.FhirUser, launches.Encounter(patientId)), cancellationToken);
        return Page();
    }

    /// <summary>Opens PatientVoice, or the SMART app of a card link (<paramref name="app"/>), in this chart with a new EHR launch.</summary>
    /// <param name="appContext">The card link's <c>appContext</c> (CDS Hooks 2.0), passed to the app in the launch; only with a card's app.</param>
    public async Task<IActionResult> OnPostLaunchAsync(string patientId, string? user, string? app, string? appContext, CancellationToken cancellationToken)
    {
        if (await reader.ReadAsync(patientId, cancellationToken) is null)
        {
            return NotFound();
        }

        var clinician = Clinician(patientId, user);
        var knownApp = launches.IsKnownApp(app);
        var launch = launches.ForClinician(patientId, clinician, knownApp && appContext is { Length: > 0 and <= 4096 } ? appContext : null);
        return RedirectToPage("/Chart", new { patientId, user = clinician.Login, launch, app = knownApp ? app : null });
    }

    private SandboxUser Clinician(string patientId, string? login)
        => users.Find(login) is { Kind: SandboxUserKind.Practitioner } chosen ? chosen : launches.DefaultClinician(patientId);
}
