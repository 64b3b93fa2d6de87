using System.Text.Json;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Application.Submit;
using PatientVoice.Web.Patients;

namespace PatientVoice.Web.Pages.Patient;

/// <summary>
/// One questionnaire in LHC-Forms. The page opens with the patient's draft, else pre-filled by SDC $populate (the
/// launch context and the last answers they shared, goals keeping their Goal: <see cref="PatientFormPopulation"/>),
/// and wwwroot/js/patient-form.js saves the answers as a draft every few seconds and when the page is left
/// (<see cref="OnPostDraftAsync"/>), then moves on to the review step. Until LHC-Forms has arrived (or without script),
/// the page shows the form's first questions as plain controls drawn here (<see cref="FirstPage"/>, ADR 0026).
/// </summary>
public sealed class QuestionnaireModel(PatientContextAccessor contexts, PatientQuestionnaires questionnaires, PatientResponses responses, FormStart formStart, IStringLocalizer<PatientText> T)
    : PatientPageModel(contexts)
{
    public PatientQuestionnaire Form { get; private set; } = null!;

    /// <summary>The questionnaire in the page language, as FHIR JSON for LHC-Forms.</summary>
    public string QuestionnaireJson { get; private set; } = "";

    /// <summary>The answers the form opens with, as FHIR JSON.</summary>
    public string ResponseJson { get; private set; } = "";

    /// <summary>The first questions as plain controls with the same answers, shown until LHC-Forms takes over.</summary>
    public QuestionnaireFirstPage FirstPage { get; private set; } = null!;

    public string? DraftId { get; private set; }

    public int? DraftVersion { get; private set; }

    public DateTimeOffset? DraftSaved { get; private set; }

    public string Title { get; private set; } = "";

    /// <summary>Which response the form was pre-filled from, sealed (<see cref="FormStart"/>); sent back with the first draft.</summary>
    public string? StartedFrom { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken cancellationToken)
    {
        if (await questionnaires.FindAsync(id, cancellationToken) is not { } form)
        {
            return NotThePatients();
        }

        Form = form;
        var localized = QuestionnaireLocalizer.Localize(form.Questionnaire, PatientText.Language);
        Title = localized.Title ?? localized.Name ?? localized.Id ?? "";
        QuestionnaireJson = FhirSerializer.ToJson(localized);
        QuestionnaireResponse opening;
        if (await responses.DraftAsync(Patient, form, cancellationToken) is { } draft)
        {
            DraftId = draft.Stored.Id;
            DraftVersion = draft.Stored.VersionId;
            DraftSaved = draft.Stored.LastUpdated;
            opening = draft.Response;
        }
        else
        {
            var start = await responses.StartingPointAsync(Patient, form, cancellationToken);
            StartedFrom = formStart.Seal(Patient, form, CarriedIdentities.CarriedFrom(start));
            opening = start;
        }

        QuestionnaireLocalizer.AlignAnswers(opening, localized);
        ResponseJson = FhirSerializer.ToJson(opening);
        FirstPage = QuestionnaireFirstPage.Of(localized, opening, T["Yes"], T["No"]);

        return Page();
    }

    /// <summary>
    /// Saves the form's answers as a draft. Body: <c>{"id": …, "version": …, "start": …, "response": {QuestionnaireResponse}}</c>
    /// (<c>start</c>: the page's sealed <see cref="StartedFrom"/>, used by the first save only).
    /// Answers <c>{"id", "version", "saved"}</c>; 409 with the current version when another tab saved first.
    /// </summary>
    public async Task<IActionResult> OnPostDraftAsync(string id, CancellationToken cancellationToken)
    {
        if (await questionnaires.FindAsync(id, cancellationToken) is not { } form)
        {
            return NotFound();
        }

        DraftRequest? request;
        QuestionnaireResponse? fromForm;
        try
        {
            request = await JsonSerializer.DeserializeAsync<DraftRequest>(Request.Body, JsonSerializerOptions.Web, cancellationToken);
            // The form's answers are a client's body like any other: the one parser of client FHIR (400 for what is not FHIR).
            fromForm = request?.Response is { } body ? FhirResourceParser.Parse(body.GetRawText(), FhirFormat.Json) as QuestionnaireResponse : null;
        }
        catch (Exception e) when (e is JsonException or BadRequestException)
        {
            return BadRequest(new { error = "bad-json" });
        }

        if (request is null || fromForm is null)
        {
            return BadRequest(new { error = "no-response" });
        }

        try
        {
            var stored = await responses.SaveDraftAsync(Patient, form, fromForm, request.Id, request.Version, formStart.Open(Patient, form, request.Start), cancellationToken);
            return new JsonResult(new { id = stored.Id, version = stored.VersionId, saved = stored.LastUpdated });
        }
        catch (PreconditionFailedException)
        {
            return new ConflictObjectResult(new { error = "changed-elsewhere" });
        }
        catch (KeyNotFoundException)
        {
            return NotFound();
        }
        catch (FhirException failure)
        {
            // The answers do not fit the questionnaire (e.g. a number out of range): the form says so, nothing is stored.
            return new UnprocessableEntityObjectResult(new { error = "invalid", issues = failure.ToOperationOutcome().Issue.Select(i => i.Diagnostics).ToList() });
        }
    }

    /// <summary>What the page's script sends.</summary>
    public sealed record DraftRequest(string? Id, int? Version, JsonElement? Response, string? Start = null);
}
