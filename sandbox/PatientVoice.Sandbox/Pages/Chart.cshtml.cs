using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PatientVoice.Sandbox.CdsHooks;
using PatientVoice.Sandbox.Chart;
using PatientVoice.Sandbox.Launcher;
using PatientVoice.Sandbox.Subscriber;
using PatientVoice.Sandbox.Users;

namespace PatientVoice.Sandbox.Pages;

/// <summary>The chart's "in the patient's words" part: what the EHR holds from PatientVoice, and what its notifications announced.</summary>
public sealed record PatientVoiceSection(PatientChart Chart, IReadOnlyList<CompletedQuestionnaire> Completed);

/// <summary>
/// A patient's chart as a clinician sees it: the CDS cards of the <c>patient-view</c> hook, the clinician notes
/// beside the patient's own words (kept current while the chart is open: <c>?handler=Updates</c> says whether they
/// changed, <c>?handler=Section</c> renders them again), and, after a launch, PatientVoice inside the chart.
/// </summary>
public sealed class ChartModel(PatientChartReader reader, CdsHooksClient cds, SandboxUserDirectory users, EhrLaunches launches, PatientVoiceActivity activity) : PageModel
{
    public PatientChart? Chart { get; private set; }

    public PatientVoiceSection Section { get; private set; } = null!;

    /// <summary>Changes whenever anything in <see cref="Section"/> changes.</summary>
    public string Stamp { get; private set; } = "";

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

        (Section, Stamp) = Current(Chart, patientId);
        Viewer = Clinician(patientId, user);
        if (!string.IsNullOrEmpty(launch))
        {
            AppFrameUrl = launches.AppUrl(launch, app);
        }

        Cds = await cds.PatientViewAsync(new PatientViewContext(patientId, Viewer.FhirUser, launches.Encounter(patientId)), cancellationToken);
        return Page();
    }

    /// <summary>Whether the patient's words changed since <see cref="Stamp"/> was read (the open chart asks every few seconds).</summary>
    public async Task<IActionResult> OnGetUpdatesAsync(string patientId, CancellationToken cancellationToken)
        => await reader.ReadAsync(patientId, cancellationToken) is { } chart
            ? new JsonResult(new { stamp = Current(chart, patientId).Stamp })
            : NotFound();

    /// <summary>The patient's words alone, to swap into the open chart.</summary>
    public async Task<IActionResult> OnGetSectionAsync(string patientId, CancellationToken cancellationToken)
        => await reader.ReadAsync(patientId, cancellationToken) is { } chart
            ? Partial("_PatientVoiceSection", Current(chart, patientId).Section)
            : NotFound();

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

    private (PatientVoiceSection Section, string Stamp) Current(PatientChart chart, string patientId)
    {
        var completed = activity.For(patientId);
        return (new PatientVoiceSection(chart, completed), $"{chart.Stamp}-{completed.Count}-{(completed.Count > 0 ? completed[0].EventNumber : 0)}");
    }

    private SandboxUser Clinician(string patientId, string? login)
        => users.Find(login) is { Kind: SandboxUserKind.Practitioner } chosen ? chosen : launches.DefaultClinician(patientId);
}
