using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.RateLimiting;
using PatientVoice.Application.Invitations;
using PatientVoice.Application.Validation;
using PatientVoice.Web.Invitations;
using PatientVoice.Web.Localization;

namespace PatientVoice.Web.Pages.Invite;

/// <summary>
/// <c>/i/{token}</c>, the one-time link (docs/adr/0029): the light check the clinic chose (date of birth, or none for a
/// kiosk), then a patient session for this invitation and the form. An unknown, expired, revoked or spent link gets a
/// plain page in the person's language and the other one (404 or 410), and nothing is stored. Rate-limited
/// (<see cref="InvitationRateLimits"/>) and audited, ids only.
/// </summary>
[AllowAnonymous]
[EnableRateLimiting(InvitationRateLimits.Policy)]
[ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
public sealed class OpenModel(Application.Invitations.Invitations invitations, LinkSessions links, QuestionnaireLookup questionnaires, TimeProvider time) : PageModel
{
    public InvitationText Text { get; private set; } = InvitationText.English;

    public InvitationText OtherText => Text.Lang == "es" ? InvitationText.English : InvitationText.Spanish;

    public Invitation? Invitation { get; private set; }

    public FailureText? Refusal { get; private set; }

    public FailureText? OtherRefusal { get; private set; }

    public string? Problem { get; private set; }

    public string? Day { get; private set; }

    public string? Month { get; private set; }

    public string? Year { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? token, CancellationToken cancellationToken)
    {
        if (await UsableAsync(token, cancellationToken) is not { } invitation)
        {
            return Page();
        }

        if (invitation.Check == InvitationCheck.None)
        {
            return await OpenAsync(invitation, "opened, no check", cancellationToken);
        }

        links.Audit(HttpContext, invitation, "check shown");
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? token, string? day, string? month, string? year, CancellationToken cancellationToken)
    {
        if (await UsableAsync(token, cancellationToken) is not { } invitation)
        {
            return Page();
        }

        (Day, Month, Year) = (Trimmed(day, 2), Trimmed(month, 2), Trimmed(year, 4));
        if (!int.TryParse(Day, out var d) || !int.TryParse(Month, out var m) || !int.TryParse(Year, out var y)
            || y < 1900 || m is < 1 or > 12 || d < 1 || d > DateTime.DaysInMonth(y, m))
        {
            Problem = Text.IncompleteBirthDate;
            HttpContext.Response.StatusCode = StatusCodes.Status400BadRequest;
            links.Audit(HttpContext, invitation, "birth date incomplete");
            return Page();
        }

        if (!Application.Invitations.Invitations.CheckBirthDate(invitation, token!, new DateOnly(y, m, d)))
        {
            Problem = Text.WrongBirthDate;
            HttpContext.Response.StatusCode = StatusCodes.Status403Forbidden;
            links.Audit(HttpContext, invitation, "birth date refused");
            return Page();
        }

        return await OpenAsync(invitation, "opened, birth date checked", cancellationToken);
    }

    private async Task<IActionResult> OpenAsync(Invitation invitation, string what, CancellationToken cancellationToken)
    {
        var questionnaire = await questionnaires.FindAsync(invitation.Questionnaire, cancellationToken);
        if (questionnaire?.Id is not { } questionnaireId)
        {
            // The form the invitation names is gone: as good as revoked.
            return Refuse(invitation, Text.Revoked, InvitationText.For(OtherText.Lang).Revoked, StatusCodes.Status410Gone, "questionnaire gone");
        }

        var opened = await invitations.MarkOpenedAsync(invitation, cancellationToken);
        await links.StartAsync(HttpContext, opened, cancellationToken);
        links.Audit(HttpContext, opened, what);
        return Redirect("/patient/questionnaire/" + Uri.EscapeDataString(questionnaireId));
    }

    // The invitation when the link may be used; otherwise the refusal is set (and audited) and null returned.
    private async Task<Invitation?> UsableAsync(string? token, CancellationToken cancellationToken)
    {
        var invitation = await invitations.FindAsync(token, cancellationToken);
        if (invitation is not null)
        {
            // The invitation's language, not the browser's: the clinic knows which one the patient reads.
            HttpContext.SetUiLanguage(invitation.Language == "es" ? UiLanguage.Spanish : UiLanguage.English);
        }

        Text = InvitationText.For(HttpContext);
        var other = OtherText;
        switch (invitation?.StateAt(time.GetUtcNow()))
        {
            case null:
                Refuse(null, Text.Unknown, other.Unknown, StatusCodes.Status404NotFound, "unknown link");
                return null;
            case InvitationState.Expired:
                Refuse(invitation, Text.Expired, other.Expired, StatusCodes.Status410Gone, "expired");
                return null;
            case InvitationState.Revoked:
                Refuse(invitation, Text.Revoked, other.Revoked, StatusCodes.Status410Gone, "revoked");
                return null;
            case InvitationState.Submitted:
                Refuse(invitation, Text.Used, other.Used, StatusCodes.Status410Gone, "already submitted");
                return null;
            default:
                Invitation = invitation;
                return invitation;
        }
    }

    private PageResult Refuse(Invitation? invitation, FailureText refusal, FailureText other, int status, string what)
    {
        Refusal = refusal;
        OtherRefusal = other;
        Invitation = null;
        HttpContext.Response.StatusCode = status;
        links.Audit(HttpContext, invitation, what);
        return Page();
    }

    private static string? Trimmed(string? value, int max) => value?.Trim() is { Length: > 0 } v ? v[..Math.Min(v.Length, max)] : null;
}
