using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PatientVoice.Web.Patients;

namespace PatientVoice.Web.Pages.Patient;

/// <summary>
/// The base of every patient page: resolves who the page is for (<see cref="PatientContext"/>; a session without a
/// patient gets the error page) and, when the person has not chosen a language yet, starts in the patient's
/// preferred language from the EHR (<c>Patient.communication</c>) — the browser's language otherwise.
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
        if (!Request.Cookies.ContainsKey(CookieRequestCultureProvider.DefaultCookieName)
            && HttpContext.Items[PatientContextAccessor.PreferredLanguageKey] is string preferred
            && PatientText.Supported(preferred) is { } language)
        {
            UseLanguage(HttpContext, language);
        }

        await next();
    }

    /// <summary>Switches this request to <paramref name="language"/> and remembers it (a year, this site only).</summary>
    public static void UseLanguage(HttpContext http, string language)
    {
        var culture = new CultureInfo(language);
        CultureInfo.CurrentCulture = culture;
        CultureInfo.CurrentUICulture = culture;
        http.Response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture)),
            new CookieOptions { MaxAge = TimeSpan.FromDays(365), HttpOnly = true, IsEssential = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, Path = "/" });
    }

    /// <summary>A page for a resource that is not this patient's, or not there: the error page, not a stack trace.</summary>
    protected IActionResult NotThePatients() => RedirectToPage("/Patient/Error", new { reason = "not-found" });
}
