using PatientVoice.Application.Interactions;
using PatientVoice.Application.ReadModels;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Storage;
using PatientVoice.Application.Submit;
using PatientVoice.Application.Invitations;

namespace PatientVoice.Web.Patients;

/// <summary>
/// The patient's QuestionnaireResponses: drafts (<c>in-progress</c>, saved with If-Match so two tabs cannot
/// overwrite each other silently) and submission through <see cref="SubmissionService"/> (validated, extracted,
/// stored with its Goals, Observations, note and Provenance in one transaction). Who the response is about, who
/// wrote it and which response it was carried forward from always come from the session and the server, never from
/// the browser; the ids of carried goals the browser sends back are checked (<see cref="CarriedIdentities"/>).
/// </summary>
public sealed partial class PatientResponses(
    RecordReader records,
    ResourceWrites writes,
    SubmissionService submissions,
    PatientFormPopulation population,
    CarriedIdentities identities,
    Application.Invitations.Invitations invitations,
    TimeProvider time,
    ILogger<PatientResponses> logger)
{
    private const string RespondentLinkId = "respondent";
    private const string RespondentSystem = "http://patientvoice.example.org/fhir/CodeSystem/pv-respondent";
    private const string StaffHelpCode = "self-with-staff-help";

    /// <summary>Every response about the patient, newest first.</summary>
    public async Task<IReadOnlyList<(QuestionnaireResponse Response, StoredResource Stored)>> AllAsync(PatientContext context, CancellationToken cancellationToken)
        => Visible(context, await records.SearchStoredAsync<QuestionnaireResponse>([new("subject", context.PatientReference), RecordReader.NewestFirst], RecordReader.DefaultCount, cancellationToken));

    /// <summary>The newest draft of <paramref name="questionnaire"/> (any version of it), or null.</summary>
    public async Task<(QuestionnaireResponse Response, StoredResource Stored)?> DraftAsync(PatientContext context, PatientQuestionnaire questionnaire, CancellationToken cancellationToken)
    {
        var drafts = Visible(context, await records.SearchStoredAsync<QuestionnaireResponse>([new("subject", context.PatientReference), new("status", "in-progress"), RecordReader.NewestFirst], RecordReader.DefaultCount, cancellationToken));
        return drafts.FirstOrDefault(d => PatientQuestionnaires.UrlOf(d.Resource.Questionnaire) == questionnaire.Questionnaire.Url) is { Resource: not null } found ? found : null;
    }

    /// <summary>The newest submitted (completed or amended) response to <paramref name="questionnaire"/>, or null.</summary>
    public async Task<(QuestionnaireResponse Response, StoredResource Stored)?> LastSubmittedAsync(PatientContext context, PatientQuestionnaire questionnaire, CancellationToken cancellationToken)
    {
        var all = await AllAsync(context, cancellationToken);
        return all.FirstOrDefault(r => SubmissionService.IsSubmission(r.Response) && PatientQuestionnaires.UrlOf(r.Response.Questionnaire) == questionnaire.Questionnaire.Url) is { Response: not null } found ? found : null;
    }

    /// <summary>
    /// What the form opens with when there is no draft: SDC $populate (<see cref="PatientFormPopulation"/>: the launch
    /// context, the patient's last submission carried forward with its goals' ids), and who is filling it in.
    /// </summary>
    public async Task<QuestionnaireResponse> StartingPointAsync(PatientContext context, PatientQuestionnaire questionnaire, CancellationToken cancellationToken)
    {
        // A one-time link reads back only what it wrote: its form opens empty, nothing carried forward (docs/adr/0029).
        var start = context.IsLink
            ? new QuestionnaireResponse
            {
                Status = QuestionnaireResponse.QuestionnaireResponseStatus.InProgress,
                Questionnaire = questionnaire.Canonical,
                Subject = new ResourceReference(context.PatientReference),
            }
            : await population.PopulateAsync(context, questionnaire, cancellationToken);
        SetRespondent(start, questionnaire.Questionnaire, context);
        return start;
    }

    /// <summary>
    /// Saves the form's answers as a draft: a new response when <paramref name="id"/> is null (carried forward from
    /// <paramref name="startedFrom"/>, the response the server pre-filled the form from), else a new version of it that
    /// keeps what the stored draft was carried forward from (412 when <paramref name="version"/> is no longer current).
    /// 422 (<see cref="UnprocessableEntityException"/>) and nothing stored when the answers name a goal the form did not carry.
    /// </summary>
    public async Task<StoredResource> SaveDraftAsync(PatientContext context, PatientQuestionnaire questionnaire, QuestionnaireResponse fromForm, string? id, int? version, string? startedFrom, CancellationToken cancellationToken)
    {
        var response = Own(context, questionnaire, fromForm, QuestionnaireResponse.QuestionnaireResponseStatus.InProgress);
        var existing = id is null ? null : await RequireOwnAsync(context, id, cancellationToken);
        CarriedIdentities.SetCarriedFrom(response, existing is null ? startedFrom : CarriedIdentities.CarriedFrom(existing));
        await CheckIdentitiesAsync(context, questionnaire, response, cancellationToken);
        if (id is null)
        {
            var created = (await writes.CreateAsync(response, null, cancellationToken)).Stored;
            LogDraftSaved(created.Id, created.VersionId);
            return created;
        }

        response.Id = id;
        var stored = (await writes.UpdateAsync("QuestionnaireResponse", id, response, version, cancellationToken)).Stored;
        LogDraftSaved(stored.Id, stored.VersionId);
        return stored;
    }

    /// <summary>
    /// Submits the draft <paramref name="id"/> at <paramref name="version"/>; says whether it was flagged for prompt attention.
    /// <see cref="InvitationClosedException"/> (nothing stored) when the session's link was spent, revoked or expired meanwhile.
    /// </summary>
    public async Task<(StoredResource Stored, bool Flagged)> SubmitAsync(PatientContext context, PatientQuestionnaire questionnaire, string id, int version, CancellationToken cancellationToken)
    {
        var draft = await RequireOwnAsync(context, id, cancellationToken);
        var response = Own(context, questionnaire, draft, QuestionnaireResponse.QuestionnaireResponseStatus.Completed);
        response.Id = id;
        // The draft was stored by the server (SaveDraftAsync): what it says it was carried forward from stands. The
        // server's rules (the carried goals' ids checked again, the safety flag) are applied by the submission itself, as for every door.
        CarriedIdentities.SetCarriedFrom(response, CarriedIdentities.CarriedFrom(draft));
        // Through a one-time link, the invitation is completed in the submission's own transaction: the first submission
        // spends the link, a second one (another device, another tab) is refused with nothing stored (docs/adr/0029).
        var outcome = context.Session.Invitation is { } invitation
            ? await invitations.SubmitThroughLinkAsync(response, new SubmitTarget.Update(id, version), invitation, cancellationToken)
            : await submissions.SubmitAsync(response, new SubmitTarget.Update(id, version), cancellationToken);
        var flagged = ReviewFlag.IsFlagged(response);
        LogSubmitted(outcome.Stored.Id, outcome.Stored.VersionId, flagged);
        return (outcome.Stored, flagged);
    }

    /// <summary>The patient's response <paramref name="id"/>; 404 (as <see cref="KeyNotFoundException"/>) when it is not theirs.</summary>
    public async Task<QuestionnaireResponse> RequireOwnAsync(PatientContext context, string id, CancellationToken cancellationToken)
    {
        if (await records.ReadStoredAsync<QuestionnaireResponse>(id, cancellationToken) is { Resource: var response }
            && response.Subject?.Reference == context.PatientReference && WrittenHere(context, response))
        {
            return response;
        }

        throw new KeyNotFoundException("No such response for this patient.");
    }

    // A link session sees only the responses its invitation wrote; a launched patient sees all of theirs.
    private static IReadOnlyList<(QuestionnaireResponse Resource, StoredResource Stored)> Visible(PatientContext context, IReadOnlyList<(QuestionnaireResponse Resource, StoredResource Stored)> found)
        => context.IsLink ? found.Where(f => WrittenHere(context, f.Resource)).ToList() : found;

    private static bool WrittenHere(PatientContext context, QuestionnaireResponse response)
        => context.Session.Invitation is not { } invitation
           || response.Meta?.Tag.Any(t => t.System == InvitationTask.ResponseTagSystem && t.Code == invitation) == true;

    private async Task CheckIdentitiesAsync(PatientContext context, PatientQuestionnaire questionnaire, QuestionnaireResponse response, CancellationToken cancellationToken)
    {
        try
        {
            await identities.CheckAsync(response, questionnaire.Questionnaire, context.PatientReference, cancellationToken);
        }
        catch (UnprocessableEntityException)
        {
            LogIdentityRefused(questionnaire.Id, response.Id);
            throw;
        }
    }

    // The browser sends answers; everything else is the server's to say.
    private QuestionnaireResponse Own(PatientContext context, PatientQuestionnaire questionnaire, QuestionnaireResponse fromForm, QuestionnaireResponse.QuestionnaireResponseStatus status)
    {
        var response = new QuestionnaireResponse
        {
            Status = status,
            Questionnaire = questionnaire.Canonical,
            Subject = new ResourceReference(context.PatientReference),
            // Staff typing with the patient (docs/adr/0030): the staff member entered it, the patient's own words are its source.
            Author = new ResourceReference(context.UserReference) { Display = context.IsStaff ? context.UserName : null },
            Source = new ResourceReference(context.IsStaff ? context.PatientReference : context.UserReference),
            AuthoredElement = new FhirDateTime(time.GetUtcNow()),
            Item = fromForm.Item.Select(i => (QuestionnaireResponse.ItemComponent)i.DeepCopy()).ToList(),
        };
        if (context.Session.Invitation is { } invitation)
        {
            // "What this link wrote": the link's scope reads back only responses carrying its invitation.
            response.Meta = new Meta { Tag = [new Coding(InvitationTask.ResponseTagSystem, invitation)] };
        }

        if (context.Session.Encounter is { Length: > 0 } encounter)
        {
            response.Encounter = new ResourceReference("Encounter/" + encounter);
        }

        return response;
    }

    // "Who is filling this in?" starts with what the session knows; the person can still change it. A carried-forward
    // answer stands unless the session contradicts it (the daughter filled it in last time, the patient opens it now).
    private static void SetRespondent(QuestionnaireResponse response, Questionnaire questionnaire, PatientContext context)
    {
        if (questionnaire.Item.FirstOrDefault(i => i.LinkId == RespondentLinkId) is null)
        {
            return;
        }

        var code = context.IsStaff ? StaffHelpCode : context.IsFamilyMember ? "family-or-friend" : "self";
        var carried = response.Item.FirstOrDefault(i => i.LinkId == RespondentLinkId)?.Answer.FirstOrDefault()?.Value as Coding;
        if (carried is not null && (context.IsStaff ? carried.Code == StaffHelpCode : (carried.Code == "family-or-friend") == context.IsFamilyMember))
        {
            return;
        }

        response.Item.RemoveAll(i => i.LinkId == RespondentLinkId);
        var option = questionnaire.Item.First(i => i.LinkId == RespondentLinkId).AnswerOption.Select(o => o.Value).OfType<Coding>()
            .FirstOrDefault(c => c.System == RespondentSystem && c.Code == code);
        if (option is null)
        {
            return;
        }

        var item = new QuestionnaireResponse.ItemComponent { LinkId = RespondentLinkId };
        item.Answer.Add(new QuestionnaireResponse.AnswerComponent { Value = new Coding(option.System, option.Code, option.Display) });
        var at = questionnaire.Item.FindIndex(i => i.LinkId == RespondentLinkId);
        // Keep the questionnaire's order: after the items that come before it in the questionnaire.
        var before = questionnaire.Item.Take(at).Select(i => i.LinkId).ToHashSet(StringComparer.Ordinal);
        var index = response.Item.FindLastIndex(i => before.Contains(i.LinkId)) + 1;
        response.Item.Insert(index, item);
    }

    [LoggerMessage(EventId = 6010, Level = LogLevel.Information, Message = "Draft saved: QuestionnaireResponse/{Id} version {Version}")]
    private partial void LogDraftSaved(string id, int version);

    [LoggerMessage(EventId = 6054, Level = LogLevel.Warning, Message = "Questionnaire {QuestionnaireId}: answers naming a goal the form did not carry were refused (QuestionnaireResponse/{Id}); nothing stored")]
    private partial void LogIdentityRefused(string questionnaireId, string? id);

    [LoggerMessage(EventId = 6011, Level = LogLevel.Information, Message = "Submitted from the patient pages: QuestionnaireResponse/{Id} version {Version}, flagged for review {Flagged}")]
    private partial void LogSubmitted(string id, int version, bool flagged);
}
