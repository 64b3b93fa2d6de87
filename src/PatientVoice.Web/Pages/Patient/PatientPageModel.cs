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
        if (found.IsLink && await LinkScopeAsync(context, found) is { } refused)
        {
            context.Result = refused;
            return;
        }

        if (found.IsStaff && StaffScope(context) is { } elsewhere)
        {
            context.Result = elsewhere;
            return;
        }

        await next();
    }

    // What a one-time link may do (docs/adr/0029): its one questionnaire, while the invitation is usable (its review and
    // form), and the confirmation afterwards; the home page leads to that form; nothing else.
    private async Task<IActionResult?> LinkScopeAsync(PageHandlerExecutingContext context, PatientContext found)
    {
        var page = context.ActionDescriptor.ViewEnginePath;
        var services = HttpContext.RequestServices;
        var invitation = await services.GetRequiredService<Application.Invitations.Invitations>().ReadAsync(found.Session.Invitation!, HttpContext.RequestAborted);
        var usable = invitation is not null && invitation.IsUsableAt(services.GetRequiredService<TimeProvider>().GetUtcNow());
        var questionnaire = await services.GetRequiredService<Application.Validation.QuestionnaireLookup>().FindAsync(found.Session.InvitationQuestionnaire ?? "", HttpContext.RequestAborted);
        if (invitation is null || questionnaire?.Id is not { } questionnaireId)
        {
            return RedirectToPage("/Patient/Error", new { reason = "not-found" });
        }

        if (page == "/Patient/Index")
        {
            return usable ? Redirect("/patient/questionnaire/" + Uri.EscapeDataString(questionnaireId)) : Redirect(Invite.ClosedModel.Path);
        }

        var id = context.RouteData.Values["id"] as string;
        var sameForm = id == questionnaireId || (id is not null && PatientQuestionnaires.Base + id == invitation.Questionnaire);
        return page switch
        {
            "/Patient/Questionnaire" or "/Patient/Review" when sameForm && usable => null,
            // Spent (here or on another device), revoked or expired: the link's own plain page, 410, nothing stored.
            "/Patient/Questionnaire" or "/Patient/Review" when sameForm => Redirect(Invite.ClosedModel.Path),
            "/Patient/Sent" when sameForm => null,
            "/Patient/Language" => null,
            _ => RedirectToPage("/Patient/Error", new { reason = "not-found" }),
        };
    }

    // What staff answering with the patient may do (docs/adr/0030): a form, its review and the sent page, and the page
    // language; the patient's home leads back to the clinician's view; the patient's other pages are denied them.
    private IActionResult? StaffScope(PageHandlerExecutingContext context) => context.ActionDescriptor.ViewEnginePath switch
    {
        "/Patient/Questionnaire" or "/Patient/Review" or "/Patient/Sent" or "/Patient/Language" => null,
        "/Patient/Index" => Redirect("/clinician"),
        // The patient's own pages (goals, my copy, preferences, conditions): a practitioner's session is turned away.
        _ => Redirect("/session/denied"),
    };

    /// <summary>A page for a resource that is not this patient's, or not there: the error page, not a stack trace.</summary>
    protected IActionResult NotThePatients() => RedirectToPage("/Patient/Error", new { reason = "not-found" });
}
