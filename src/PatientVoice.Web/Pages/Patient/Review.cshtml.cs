using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PatientVoice.Fhir.Errors;
using PatientVoice.Application.Submit;
using PatientVoice.Web.Patients;

namespace PatientVoice.Web.Pages.Patient;

/// <summary>The review step: the saved draft's answers, read back; sending it submits it (SubmissionService).</summary>
public sealed class ReviewModel(PatientContextAccessor contexts, PatientQuestionnaires questionnaires, PatientResponses responses, IStringLocalizer<PatientText> T)
    : PatientPageModel(contexts)
{
    public PatientQuestionnaire Form { get; private set; } = null!;

    public string Title { get; private set; } = "";

    public IReadOnlyList<AnsweredQuestion> Answers { get; private set; } = [];

    [BindProperty]
    public string? DraftId { get; set; }

    [BindProperty]
    public int DraftVersion { get; set; }

    /// <summary>Why the submission was refused (the form does not fit the questionnaire, or it changed elsewhere).</summary>
    public IReadOnlyList<string> Problems { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        if (await questionnaires.FindAsync(id, cancellationToken) is not { } form)
        {
            return NotThePatients();
        }

        return await ShowAsync(form, cancellationToken);
    }

    public async Task<IActionResult> OnPostAsync(string id, CancellationToken cancellationToken)
    {
        if (await questionnaires.FindAsync(id, cancellationToken) is not { } form)
        {
            return NotThePatients();
        }

        if (string.IsNullOrEmpty(DraftId))
        {
            return RedirectToPage("/Patient/Questionnaire", new { id });
        }

        try
        {
            var (stored, _) = await responses.SubmitAsync(Patient, form, DraftId, DraftVersion, cancellationToken);
            return RedirectToPage("/Patient/Sent", new { id, response = stored.Id });
        }
        catch (Application.Invitations.InvitationClosedException)
        {
            // A one-time link spent meanwhile (another device or tab sent first), revoked or expired: nothing was stored.
            return Redirect(Invite.ClosedModel.Path);
        }
        catch (PreconditionFailedException) when (Patient.IsLink)
        {
            // The draft moved on: through a link, most likely sent from another tab; the link's page says where it stands.
            return RedirectToPage("/Patient/Questionnaire", new { id });
        }
        catch (PreconditionFailedException)
        {
            Problems = [T["ChangedElsewhere"]];
        }
        catch (KeyNotFoundException)
        {
            return NotThePatients();
        }
        catch (FhirException failure)
        {
            Problems = failure.ToOperationOutcome().Issue.Select(i => i.Diagnostics).Where(d => !string.IsNullOrEmpty(d)).Select(d => d!).ToList();
        }

        return await ShowAsync(form, cancellationToken);
    }

    private async Task<IActionResult> ShowAsync(PatientQuestionnaire form, CancellationToken cancellationToken)
    {
        Form = form;
        Title = QuestionnaireLocalizer.Localize(form.Questionnaire, PatientText.Language).Title ?? form.Id;
        if (await responses.DraftAsync(Patient, form, cancellationToken) is not { } draft)
        {
            return RedirectToPage("/Patient/Questionnaire", new { id = form.Id });
        }

        DraftId = draft.Stored.Id;
        DraftVersion = draft.Stored.VersionId;
        Answers = AnswerSummary.Of(draft.Response, form.Questionnaire, PatientText.Language, T["Yes"], T["No"]);
        return Page();
    }
}
