using System.Globalization;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PatientVoice.Application.Uptake;
using PatientVoice.Fhir.Errors;
using PatientVoice.Web.Clinicians.Uptake;
using PatientVoice.Web.Launch;
using PatientVoice.Web.Localization;

namespace PatientVoice.Web.Pages.Clinician;

/// <summary>
/// <c>/clinician/uptake</c>: who is being reached (docs/adr/0031) — invited, opened and submitted per week, by
/// language, who answered, way in, race and ethnicity, small counts hidden. The same use case as
/// <c>Measure/patientvoice-uptake/$evaluate-measure</c>. English or Spanish (<c>?lang=es</c>, else the browser's).
/// </summary>
[Authorize(Policy = SmartSessionPolicies.Clinician)]
public sealed class UptakeModel(UptakeReporter reporter, TimeProvider time) : ClinicianPageModel
{
    /// <summary>Weeks shown when no period is asked for (ending with this week).</summary>
    public const int DefaultWeeks = 8;

    [BindProperty(SupportsGet = true, Name = "from")]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true, Name = "to")]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true, Name = "lang")]
    public string? Lang { get; set; }

    public UptakeText T { get; private set; } = UptakeText.English;

    public UptakeReport? Report { get; private set; }

    public bool BadPeriod { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        T = Lang switch
        {
            "es" => UptakeText.Spanish,
            "en" => UptakeText.English,
            _ => HttpContext.Text<UptakeText>(),
        };
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        To ??= today;
        From ??= To.Value.AddDays(-7 * (DefaultWeeks - 1));
        try
        {
            Report = await reporter.ReportAsync(From.Value, To.Value, cancellationToken);
        }
        catch (BadRequestException)
        {
            BadPeriod = true;
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return Page();
    }

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>This page in the other language, for the same period.</summary>
    public string OtherLanguageUrl => $"/clinician/uptake?from={Date(From ?? default)}&to={Date(To ?? default)}&lang={(T.Lang == "es" ? "en" : "es")}";
}
