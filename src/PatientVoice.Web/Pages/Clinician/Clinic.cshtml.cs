using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PatientVoice.Web.Clinicians.ClinicList;
using PatientVoice.Web.Launch;

namespace PatientVoice.Web.Pages.Clinician;

/// <summary>
/// <c>/clinician/clinic</c>: patients with appointments today and the coming days (from the EHR) and where each is
/// with PatientVoice, so staff can help those who have not filled it in. <c>?all=true</c> shows every clinician's.
/// </summary>
[Authorize(Policy = SmartSessionPolicies.Clinician)]
public sealed class ClinicModel(ClinicListReader clinic) : ClinicianPageModel
{
    public const int Days = 7;

    public IReadOnlyList<ClinicPatientRow> Rows { get; private set; } = [];

    /// <summary>Set when the EHR could not be read.</summary>
    public bool EhrUnavailable { get; private set; }

    /// <summary>Set when the launch's granted scopes do not include reading appointments (nothing was asked of the EHR).</summary>
    public bool AppointmentsNotGranted { get; private set; }

    [BindProperty(SupportsGet = true, Name = "all")]
    public bool All { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        try
        {
            Rows = await clinic.ReadAsync(Session!, Days, onlyMine: !All, cancellationToken);
        }
        catch (EhrRequestException e) when (e.Failure == EhrRequestFailure.NotGranted)
        {
            AppointmentsNotGranted = true;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            // The EHR is down or refused: say so plainly; nothing of ours is lost.
            EhrUnavailable = true;
        }

        return Page();
    }
}
