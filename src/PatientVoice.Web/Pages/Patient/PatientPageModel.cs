using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PatientVoice.Application.Submit;
using PatientVoice.Web.Patients;

namespace PatientVoice.Web.Pages.Patient;

/// <summary>
/// The base of every patient page: resolves who the page is for (<see cref="PatientContext"/>; a session without a
/// patient gets the error page). The page language is set before (<see cref="PatientLanguageMiddleware"/>).
/// </summary>
public abstract class PatientPageModel(PatientContextAccessor contexts) : PageModel
{
    public PatientContext Patient { get; private set; } = null!;

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var found = await contexts.GetAsync(HttpContext, HttpContext.RequestAborted);
        if (found is null)
        {
            context.Result = RedirectToPage("/Patient/Error", new { reason = "no-patient" });
            return;
        }

        Patient = found;
        await next();
    }

    /// <summary>A page for a resource that is not this patient's, or not there: the error page, not a stack trace.</summary>
    protected IActionResult NotThePatients() => RedirectToPage("/Patient/Error", new { reason = "not-found" });
}
