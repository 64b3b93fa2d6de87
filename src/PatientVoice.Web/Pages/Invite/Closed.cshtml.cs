using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using PatientVoice.Application.Invitations;
using PatientVoice.Application.Validation;
using PatientVoice.Web.Invitations;
using PatientVoice.Web.Localization;
using PatientVoice.Web.Patients;

namespace PatientVoice.Web.Pages.Invite;

/// <summary>
/// <c>/patient/link-closed</c>: where a session made by a one-time link lands once its invitation no longer lets it in
/// — answers already sent (from this device or another), the link revoked or expired (docs/adr/0029). The same plain
/// page as the link itself gives (410), in the invitation's language with the other one below; nothing is stored.
/// Any other session gets the patient error page.
/// </summary>
[AllowAnonymous]
[IgnoreAntiforgeryToken]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class ClosedModel(PatientContextAccessor contexts, Application.Invitations.Invitations invitations, QuestionnaireLookup questionnaires, LinkSessions links, TimeProvider time)
    : PageModel
{
    public const string Path = "/patient/link-closed";

    public LinkRefusal Refusal { get; private set; } = null!;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (await contexts.GetAsync(HttpContext, cancellationToken) is not { IsLink: true } patient)
        {
            return RedirectToPage("/Patient/Error", new { reason = "not-found" });
        }

        var invitation = await invitations.ReadAsync(patient.Session.Invitation!, cancellationToken);
        if (invitation is not null)
        {
            HttpContext.SetUiLanguage(invitation.Language == "es" ? UiLanguage.Spanish : UiLanguage.English);
            if (invitation.IsUsableAt(time.GetUtcNow()) && await questionnaires.FindAsync(invitation.Questionnaire, cancellationToken) is { Id: { } form })
            {
                // Still open (a stale address): back to the link's form.
                return Redirect("/patient/questionnaire/" + Uri.EscapeDataString(form));
            }
        }

        var state = invitation?.StateAt(time.GetUtcNow()) ?? InvitationState.Revoked;
        Refusal = LinkRefusal.For(state, InvitationText.For(HttpContext));
        HttpContext.Response.StatusCode = Refusal.Status;
        links.Audit(HttpContext, invitation, "session refused: " + state.ToString().ToLowerInvariant());
        return Page();
    }

    public Task<IActionResult> OnPostAsync(CancellationToken cancellationToken) => OnGetAsync(cancellationToken);
}
