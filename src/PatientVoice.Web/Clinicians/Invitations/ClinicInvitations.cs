using System.Globalization;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using PatientVoice.Application.Invitations;
using PatientVoice.Fhir.Errors;
using PatientVoice.Web.Clinicians.Presentation;
using PatientVoice.Web.Invitations;
using PatientVoice.Web.Patients;

namespace PatientVoice.Web.Clinicians.Invitations;

/// <summary>
/// The clinician page's door to one-time links (issue 18, docs/adr/0029): parses the form, calls the same
/// <see cref="Application.Invitations.Invitations"/> use case as <c>Patient/$invite</c>, and shapes what the page shows.
/// The birth date for the check comes from the EHR's Patient (never typed); the requester is the signed-in user.
/// </summary>
public sealed class ClinicInvitations(
    Application.Invitations.Invitations invitations,
    InvitationLinks links,
    IOptions<InvitationOptions> options,
    IStringLocalizer<PatientText> text,
    TimeProvider time)
{
    /// <summary>A link just made (its URL and message, shown once: the token is stored nowhere), or why none was.</summary>
    public sealed record Created(Uri? Url, string? Message, string? Problem);

    /// <summary>One of the patient's links as the page lists it.</summary>
    public sealed record Row(Invitation Invitation, InvitationState State);

    /// <summary>What the page shows: the patient's links, the one just made, and the form's starting values.</summary>
    public sealed record View(IReadOnlyList<Row> Links, Created? Just, string Language, string? Clinic, string VisitDate, bool BirthDateKnown)
    {
        public static View Empty { get; } = new([], null, "en", null, "", false);
    }

    public async Task<View> ViewAsync(string patientReference, PatientBanner? banner, Created? just, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var rows = (await invitations.ForPatientAsync(patientReference, cancellationToken)).Select(i => new Row(i, i.StateAt(now))).ToList();
        var tomorrow = DateOnly.FromDateTime(now.UtcDateTime).AddDays(1);
        return new View(rows, just, banner?.PreferredLanguage ?? "en", options.Value.ClinicName, tomorrow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), BirthDateOf(banner) is not null);
    }

    public async Task<Created> CreateAsync(HttpRequest request, string patientReference, PatientBanner banner, string? requester, string? visitDate, string? clinic, string? language, string? check, CancellationToken cancellationToken)
    {
        if (!DateOnly.TryParseExact(visitDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var visit))
        {
            return new Created(null, null, text["InviteProblemDate"]);
        }

        var chosen = check == "none" ? InvitationCheck.None : InvitationCheck.BirthDate;
        try
        {
            var created = await invitations.CreateAsync(
                new InvitationRequest(patientReference, visit, clinic ?? "", language ?? "en", chosen, BirthDateOf(banner), Requester: requester),
                cancellationToken);
            var url = links.UrlOf(request, created.Token);
            return new Created(url, InvitationLinks.MessageOf(created.Invitation, url), null);
        }
        catch (UnprocessableEntityException refused)
        {
            var field = refused.ToOperationOutcome().Issue.SelectMany(i => i.Expression).FirstOrDefault();
            return new Created(null, null, field switch
            {
                "visitDate" => text["InviteProblemDate"],
                "birthDate" => text["InviteProblemBirthDate"],
                "clinic" => text["InviteProblemClinic"],
                _ => text["InviteProblemOther"],
            });
        }
    }

    /// <summary>Revokes <paramref name="invitationId"/> when it is one of this patient's links; false when it is not.</summary>
    public async Task<bool> RevokeAsync(string patientReference, string? invitationId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(invitationId) || await invitations.ReadAsync(invitationId, cancellationToken) is not { } invitation
            || invitation.PatientReference != patientReference)
        {
            return false;
        }

        await invitations.RevokeAsync(invitationId, cancellationToken);
        return true;
    }

    /// <summary>How the page names a state.</summary>
    public string StateText(InvitationState state) => text[state switch
    {
        InvitationState.Open => "InviteStateOpen",
        InvitationState.Opened => "InviteStateOpened",
        InvitationState.Submitted => "InviteStateSubmitted",
        InvitationState.Revoked => "InviteStateRevoked",
        _ => "InviteStateExpired",
    }];

    private static DateOnly? BirthDateOf(PatientBanner? banner)
        => DateOnly.TryParseExact(banner?.BirthDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var born) ? born : null;
}
