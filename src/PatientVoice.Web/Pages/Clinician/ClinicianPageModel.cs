using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PatientVoice.Web.Clinicians.Presentation;
using PatientVoice.Web.Launch;

namespace PatientVoice.Web.Pages.Clinician;

/// <summary>
/// What every clinician page shares: the SMART session of the request, the Content-Security-Policy header (framing
/// allowed to the session's EHR only), and the EHR's style when it gave one.
/// </summary>
public abstract partial class ClinicianPageModel : PageModel
{
    /// <summary>The session (never null inside a handler: the ClinicianSession policy let the request in).</summary>
    public SmartSession? Session { get; private set; }

    /// <summary>CSS custom properties from the EHR's <c>smart_style_url</c>, or null.</summary>
    public string? StyleCss { get; private set; }

    public string Nonce => ContentSecurityPolicy.Nonce(HttpContext);

    /// <summary>
    /// The clinician as a reference for what they record (their <c>fhirUser</c>), with their name as the EHR gives it,
    /// so the patient and colleagues read "Dr. Priya Patel", not a record id; null when the EHR did not say who they are.
    /// </summary>
    protected async Task<ResourceReference?> ClinicianAsync(CancellationToken cancellationToken)
    {
        if (Session?.FhirUser is not { Length: > 0 } user)
        {
            return null;
        }

        var name = await HttpContext.RequestServices.GetRequiredService<PatientVoice.Web.Patients.CareTeamNames>().NameAsync(Session, user, cancellationToken);
        return new ResourceReference(user) { Display = name };
    }

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var services = HttpContext.RequestServices;
        Session = await services.GetRequiredService<ISmartSessionAccessor>().GetAsync(HttpContext, HttpContext.RequestAborted);
        ContentSecurityPolicy.Apply(HttpContext, Session?.FhirBaseUrl);
        if (Session is null)
        {
            context.Result = StatusCode(StatusCodes.Status401Unauthorized);
            return;
        }

        StyleCss = await services.GetRequiredService<SmartStyle>().CssAsync(Session.SmartStyleUrl, HttpContext.RequestAborted);
        await next();
    }

    /// <summary>A FHIR id as the EHR may name a patient.</summary>
    protected static bool IsFhirId(string? id) => id is not null && FhirId().IsMatch(id);

    [GeneratedRegex("^[A-Za-z0-9\\-\\.]{1,64}$")]
    private static partial Regex FhirId();
}
