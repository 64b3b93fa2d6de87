using Microsoft.AspNetCore.Mvc;
using PatientVoice.Application.Submit;
using PatientVoice.Web.Patients;
using PatientVoice.Web.Patients.MyCopy;
using PatientVoice.Web.Presentation;

namespace PatientVoice.Web.Pages.Patient;

/// <summary>
/// "My copy": everything the patient shared, on one printable page (print CSS) and as a PDF download
/// (<c>?handler=Pdf</c>), both from the same <see cref="MyCopyContent"/> of the session's own patient. The page's times
/// are local in the browser (<see cref="LocalTime"/>); the PDF's are in the zone the browser named (<c>tz</c>, added to
/// the link by local-time.js), else UTC, and say which.
/// </summary>
public sealed partial class MyCopyModel(PatientContextAccessor contexts, MyCopyReader reader, MyCopyPdf pdf, ILogger<MyCopyModel> logger)
    : PatientPageModel(contexts)
{
    public MyCopyContent Copy { get; private set; } = null!;

    public async Task OnGetAsync(CancellationToken cancellationToken) => Copy = await reader.ReadAsync(Patient, ReaderTimeZone.Utc, cancellationToken);

    /// <summary>
    /// The PDF, made whole in memory before anything is sent: a failure shows the patient error page, never a
    /// broken file. Not cached anywhere (it holds the patient's words).
    /// </summary>
    public async Task<IActionResult> OnGetPdfAsync([FromQuery] string? tz, CancellationToken cancellationToken)
    {
        byte[] file;
        string fileName;
        try
        {
            var copy = await reader.ReadAsync(Patient, ReaderTimeZone.From(tz), cancellationToken);
            file = pdf.Render(copy);
            fileName = pdf.FileName(copy);
        }
        catch (Exception failure) when (failure is not OperationCanceledException)
        {
            // Only the failure's type: a message could quote the patient's words.
            LogPdfFailed(failure.GetType().Name);
            return RedirectToPage("/Patient/Error", new { reason = "unexpected" });
        }

        Response.Headers.CacheControl = "no-store";
        return File(file, "application/pdf", fileName);
    }

    [LoggerMessage(EventId = 6041, Level = LogLevel.Error, Message = "My copy PDF could not be made ({Failure}); the error page was shown")]
    private partial void LogPdfFailed(string failure);
}
