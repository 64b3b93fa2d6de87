using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using PatientVoice.Fhir.Errors;
using PatientVoice.Web.Clinicians.Presentation;
using PatientVoice.Application.Clinicians.Review;
using PatientVoice.Application.Clinicians.Summary;
using PatientVoice.Web.Launch;
using Microsoft.Extensions.Localization;
using PatientVoice.Web.Clinicians.Invitations;
using PatientVoice.Web.Patients;

namespace PatientVoice.Web.Pages.Clinician;

/// <summary>
/// <c>/clinician</c>: the summary of the launch patient (or, from the clinic list of a launch without a patient,
/// <c>?patient={id}</c>), and the clinician's actions on it: acknowledge, close the loop on agenda topics, agree a goal.
/// Every action posts, records in FHIR and comes back here (post/redirect/get).
/// </summary>
[Authorize(Policy = SmartSessionPolicies.Clinician)]
public sealed class IndexModel(
    IEhrFhirClient ehr,
    ClinicianSummaryReader summaries,
    ReadAcknowledgements acknowledgements,
    AgendaOutcomeRecorder agendaOutcomes,
    GoalAgreement goals,
    CareTeamNames names,
    ClinicInvitations invitations,
    IStringLocalizer<PatientText> T) : ClinicianPageModel
{
    public ClinicianSummary Summary { get; private set; } = new() { Patient = string.Empty };

    /// <summary>The names of the staff who typed for the patient, by reference ("Answered with help from Alex Rivera").</summary>
    public IReadOnlyDictionary<string, string?> HelperNames { get; private set; } = new Dictionary<string, string?>();

    /// <summary>The one-time links of this patient, and a link just made (its URL and message: shown once, never stored).</summary>
    public ClinicInvitations.View Invitations { get; private set; } = ClinicInvitations.View.Empty;

    public PatientBanner? Banner { get; private set; }

    public string NoteText { get; private set; } = string.Empty;

    /// <summary><c>?patient=</c>: the patient chosen on the clinic list, when the launch named none.</summary>
    [BindProperty(SupportsGet = true, Name = "patient")]
    public string? ChosenPatient { get; set; }

    /// <summary>What the last action did (<c>?done=</c>) or why it failed (<c>?problem=</c>).</summary>
    [BindProperty(SupportsGet = true, Name = "done")]
    public string? Done { get; set; }

    [BindProperty(SupportsGet = true, Name = "problem")]
    public string? Problem { get; set; }

    public string? PatientId => Session?.Patient ?? (IsFhirId(ChosenPatient) ? ChosenPatient : null);

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (PatientId is not { } patient)
        {
            return RedirectToPage("/Clinician/Clinic");
        }

        await LoadAsync(patient, null, cancellationToken);
        return Page();
    }

    private async Task LoadAsync(string patient, ClinicInvitations.Created? created, CancellationToken cancellationToken)
    {
        Summary = await summaries.ReadAsync("Patient/" + patient, cancellationToken);
        NoteText = CopyToNoteText.For(Summary);
        // Always: a clinician with several patients open must never read one patient's words under another's name.
        Banner = await PatientBanner.ReadAsync(ehr, Session!, patient, cancellationToken);
        var helpers = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var helper in Summary.Helpers)
        {
            // Names, not record ids: the EHR's Practitioner (or what the record itself calls them).
            helpers[helper] = await names.NameAsync(Session!, helper, cancellationToken);
        }

        HelperNames = helpers;
        Invitations = await invitations.ViewAsync("Patient/" + patient, Banner, created, cancellationToken);
    }

    /// <summary>Makes a one-time link for this patient (the same use case as <c>Patient/$invite</c>) and shows it once.</summary>
    public async Task<IActionResult> OnPostInviteAsync(string? visitDate, string? clinic, string? language, string? check, CancellationToken cancellationToken)
    {
        if (PatientId is not { } patient)
        {
            return RedirectToPage("/Clinician/Clinic");
        }

        var banner = await PatientBanner.ReadAsync(ehr, Session!, patient, cancellationToken);
        var created = await invitations.CreateAsync(Request, "Patient/" + patient, banner, Session!.FhirUser, visitDate, clinic, language, check, cancellationToken);
        await LoadAsync(patient, created, cancellationToken);
        return Page();
    }

    /// <summary>Cancels one of this patient's links.</summary>
    public async Task<IActionResult> OnPostRevokeAsync(string? invitationId, CancellationToken cancellationToken)
    {
        if (PatientId is not { } patient)
        {
            return RedirectToPage("/Clinician/Clinic");
        }

        return await invitations.RevokeAsync("Patient/" + patient, invitationId, cancellationToken)
            ? Back(done: "revoked")
            : Back(problem: "invitation-not-found");
    }

    public async Task<IActionResult> OnPostAcknowledgeAsync(CancellationToken cancellationToken) =>
        await ActAsync("read", async (patient, clinician) =>
        {
            var summary = await summaries.ReadAsync(patient, cancellationToken);
            await acknowledgements.AcknowledgeAsync(patient, clinician, summary.Submissions, cancellationToken);
        });

    public async Task<IActionResult> OnPostAgendaAsync(string listId, int rank, string outcome, CancellationToken cancellationToken) =>
        await ActAsync("agenda", async (patient, clinician) =>
        {
            var chosen = AgendaOutcomes.Parse(outcome) ?? throw new BadRequestException("Choose addressed, deferred or next visit.", "outcome");
            await agendaOutcomes.RecordAsync(patient, listId ?? string.Empty, rank, chosen, clinician, cancellationToken);
        });

    public async Task<IActionResult> OnPostAgreeGoalAsync(string goalId, int version, string? note, CancellationToken cancellationToken) =>
        await ActAsync("goal", async (patient, clinician) =>
        {
            if (note?.Length > 2000)
            {
                throw new BadRequestException("A note can be at most 2,000 characters.", "note");
            }

            await goals.AgreeAsync(patient, goalId ?? string.Empty, version, clinician, note, cancellationToken);
        });

    private async Task<IActionResult> ActAsync(string done, Func<string, Hl7.Fhir.Model.ResourceReference, Task> action)
    {
        if (PatientId is not { } patient)
        {
            return RedirectToPage("/Clinician/Clinic");
        }

        if (await ClinicianAsync(HttpContext.RequestAborted) is not { } clinician)
        {
            return Back(problem: "no-user");
        }

        try
        {
            await action("Patient/" + patient, clinician);
        }
        catch (FhirException e)
        {
            return Back(problem: e.StatusCode switch
            {
                StatusCodes.Status412PreconditionFailed => "changed",
                StatusCodes.Status404NotFound => "not-found",
                StatusCodes.Status409Conflict => "ended",
                _ => "invalid",
            });
        }

        return Back(done: done);
    }

    private RedirectToPageResult Back(string? done = null, string? problem = null) =>
        RedirectToPage("/Clinician/Index", new { patient = Session?.Patient is null ? ChosenPatient : null, done, problem });

    public string? DoneMessage => Done switch
    {
        "read" => "Recorded: you have read this. The patient will see that their clinician has read it.",
        "agenda" => "Recorded. The patient will see what became of this topic.",
        "goal" => "Recorded: you and the patient agreed this goal.",
        "revoked" => T["InviteRevoked"],
        _ => null,
    };

    public string? ProblemMessage => Problem switch
    {
        "changed" => "This goal changed while you were reading (the patient may have updated it). Here it is as it is now; please look again.",
        "not-found" => "That is no longer part of this patient's record.",
        "ended" => "This goal has ended, so it cannot be agreed.",
        "no-user" => "The EHR did not say who you are, so nothing can be recorded in your name.",
        "invalid" => "That could not be recorded. Please try again.",
        "invitation-not-found" => T["InviteNotFound"],
        _ => null,
    };
}
