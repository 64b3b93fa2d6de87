using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using PatientVoice.Application.Interactions;
using PatientVoice.Application.ReadModels;
using PatientVoice.Application.Submit;
using PatientVoice.Application.Validation;
using PatientVoice.Application.Write;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using FhirTask = Hl7.Fhir.Model.Task;
using QuestionnaireResponse = Hl7.Fhir.Model.QuestionnaireResponse;

namespace PatientVoice.Application.Invitations;

/// <summary>
/// The one-time link use case (docs/adr/0029), the same for every door (the clinician pages, <c>Patient/$invite</c>):
/// create an invitation for one patient and one visit, find it by its token, check the date of birth, mark it opened,
/// close it in the transaction of its first submission, revoke it. The rules live here once: the token's strength, what is stored (hashes
/// only), when a link expires (after the visit day) and which states let it in.
/// </summary>
public sealed partial class Invitations(RecordReader records, ResourceWrites writes, ResourceWriter writer, QuestionnaireLookup questionnaires, SubmissionService submissions, TimeProvider time, ILogger<Invitations> logger)
{
    /// <summary>The form a link opens when the inviter names none.</summary>
    public const string DefaultQuestionnaire = "http://patientvoice.example.org/fhir/Questionnaire/before-your-visit";

    /// <summary>The longest a clinic name may be (it is shown on the link's pages and in the message).</summary>
    public const int ClinicMaxLength = 100;

    /// <summary>
    /// A link lives until noon UTC the day after the visit: the whole visit day in every US time zone (UTC−4 to
    /// UTC−10), and no longer.
    /// </summary>
    public static DateTimeOffset ExpiryOf(DateOnly visitDate) => new(visitDate.AddDays(1).ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero);

    /// <exception cref="UnprocessableEntityException">The request does not make a usable link (nothing stored).</exception>
    public async Task<CreatedInvitation> CreateAsync(InvitationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var now = time.GetUtcNow();
        if (!PatientReference().IsMatch(request.PatientReference ?? ""))
        {
            throw new UnprocessableEntityException("The invitation needs a patient as Patient/{id}.", "patient");
        }

        if (ExpiryOf(request.VisitDate) <= now)
        {
            throw new UnprocessableEntityException("The visit date has passed: a link would expire before it is sent.", "visitDate");
        }

        if (request.VisitDate > DateOnly.FromDateTime(now.UtcDateTime).AddDays(366))
        {
            throw new UnprocessableEntityException("The visit date is more than a year away.", "visitDate");
        }

        if (request.Language is not ("en" or "es"))
        {
            throw new UnprocessableEntityException("The language must be 'en' or 'es'.", "language");
        }

        var clinic = request.Clinic?.Trim() ?? "";
        if (clinic.Length is 0 or > ClinicMaxLength)
        {
            throw new UnprocessableEntityException($"The clinic's name is needed (at most {ClinicMaxLength} characters): the link's pages show it.", "clinic");
        }

        if (request.Check == InvitationCheck.BirthDate && request.BirthDate is null)
        {
            throw new UnprocessableEntityException("A date-of-birth check needs the patient's birth date (or choose the check 'none', for a kiosk in the clinic).", "birthDate");
        }

        var canonical = QuestionnaireCanonical.Parse(request.Questionnaire ?? DefaultQuestionnaire).Url;
        if (await questionnaires.FindAsync(canonical, cancellationToken) is null)
        {
            throw new UnprocessableEntityException($"No questionnaire '{canonical}' is held here.", "questionnaire");
        }

        var token = InvitationToken.New();
        var invitation = new Invitation
        {
            Id = "",
            Version = 0,
            PatientReference = request.PatientReference!,
            Questionnaire = canonical,
            VisitDate = request.VisitDate,
            Clinic = clinic,
            Language = request.Language,
            Check = request.Check,
            Expires = ExpiryOf(request.VisitDate),
            StoredState = InvitationState.Open,
            Requester = request.Requester,
            Created = now,
            TokenHash = InvitationToken.Hash(token),
            BirthDateCheck = request.Check == InvitationCheck.BirthDate ? InvitationToken.BirthDateCheck(token, request.BirthDate!.Value) : null,
        };
        var stored = (await writes.CreateAsync(InvitationTask.ToTask(invitation), null, cancellationToken)).Stored;
        LogCreated(stored.Id, request.Check.ToString());
        return new CreatedInvitation(invitation with { Id = stored.Id, Version = stored.VersionId }, token);
    }

    /// <summary>The invitation a token opens, whatever its state; null for a malformed or unknown token (nothing else is looked up).</summary>
    public async Task<Invitation?> FindAsync(string? token, CancellationToken cancellationToken)
    {
        if (!InvitationToken.IsWellFormed(token))
        {
            return null;
        }

        var hash = InvitationToken.Hash(token!);
        var found = await records.SearchStoredAsync<FhirTask>([RecordReader.P("identifier", InvitationTask.TokenHashSystem + "|" + hash)], 2, cancellationToken);
        return found.Count == 1 && InvitationTask.FromTask(found[0].Resource, found[0].Stored.VersionId) is { } invitation
               && InvitationToken.SameHash(invitation.TokenHash, hash)
            ? invitation
            : null;
    }

    /// <summary>The invitation with this Task id, or null.</summary>
    public async Task<Invitation?> ReadAsync(string id, CancellationToken cancellationToken)
        => await records.ReadStoredAsync<FhirTask>(id, cancellationToken) is { } found ? InvitationTask.FromTask(found.Resource, found.Stored.VersionId) : null;


    /// <summary>The Task holding invitation <paramref name="id"/>, or null when there is none (or it is another Task).</summary>
    public async Task<FhirTask?> ReadTaskAsync(string id, CancellationToken cancellationToken)
        => await records.ReadAsync<FhirTask>(id, cancellationToken) is { } task && InvitationTask.IsInvitation(task) ? task : null;

    /// <summary>The patient's invitations, newest first.</summary>
    public async Task<IReadOnlyList<Invitation>> ForPatientAsync(string patientReference, CancellationToken cancellationToken)
    {
        var found = await records.SearchStoredAsync<FhirTask>(
            [RecordReader.P("patient", patientReference), RecordReader.P("code", InvitationTask.CodeSystem + "|" + InvitationTask.Code), RecordReader.NewestFirst],
            RecordReader.DefaultCount, cancellationToken);
        return found.Select(f => InvitationTask.FromTask(f.Resource, f.Stored.VersionId)).OfType<Invitation>().ToList();
    }

    /// <summary>Whether <paramref name="birthDate"/> is the one the inviter gave (always true for a link without a check).</summary>
    public static bool CheckBirthDate(Invitation invitation, string token, DateOnly? birthDate)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        if (invitation.Check == InvitationCheck.None)
        {
            return true;
        }

        return birthDate is { } date && invitation.BirthDateCheck is { } expected
            && InvitationToken.SameHash(expected, InvitationToken.BirthDateCheck(token, date));
    }

    /// <summary>Records that the link was opened (the first time only); returns the invitation as it now stands.</summary>
    public async Task<Invitation> MarkOpenedAsync(Invitation invitation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(invitation);
        if (invitation.StoredState != InvitationState.Open)
        {
            return invitation;
        }

        var opened = invitation with { StoredState = InvitationState.Opened };
        var task = InvitationTask.ToTask(opened);
        task.ExecutionPeriod = new Hl7.Fhir.Model.Period { StartElement = new Hl7.Fhir.Model.FhirDateTime(time.GetUtcNow()) };
        return await WriteAsync(opened, task, cancellationToken);
    }

    /// <summary>
    /// Submits <paramref name="response"/> through the one-time link of invitation <paramref name="invitationId"/>: the
    /// submission and the invitation's completion are one transaction (<see cref="CompleteWithinAsync"/>), and the link is
    /// logged as spent only once that transaction has committed. <see cref="InvitationClosedException"/> (nothing stored)
    /// when the link was spent, revoked or expired meanwhile.
    /// </summary>
    public async Task<WriteOutcome> SubmitThroughLinkAsync(QuestionnaireResponse response, SubmitTarget target, string invitationId, CancellationToken cancellationToken)
    {
        var completed = false;
        var outcome = await submissions.SubmitAsync(response, target, async (session, stored) =>
        {
            await CompleteWithinAsync(session, invitationId, stored.Id, cancellationToken);
            completed = true;
        }, cancellationToken);
        if (completed)
        {
            LogCompleted(invitationId);
        }

        return outcome;
    }

    /// <summary>
    /// Closes the invitation INSIDE the transaction that stores its response (<paramref name="session"/>): the Task is
    /// read there (the store keeps concurrent writers out of it until the commit), must still let the link in, and is
    /// written completed with <paramref name="responseId"/> as its output at the version read. A link that was spent,
    /// revoked or expired meanwhile — by a second device, a second tab, the clinic — throws
    /// <see cref="InvitationClosedException"/>, which rolls the whole submission back: one submission per link, and no
    /// submission without its Task completed.
    /// </summary>
    public async Task CompleteWithinAsync(IResourceWriteSession session, string invitationId, string responseId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var now = time.GetUtcNow();
        var stored = await session.ReadAsync("Task", invitationId, cancellationToken);
        var task = stored is { IsDeleted: false, Json: { } json } ? FhirSerializer.Parse<FhirTask>(json) : null;
        var invitation = task is null ? null : InvitationTask.FromTask(task, stored!.VersionId);
        if (invitation is null || !invitation.IsUsableAt(now))
        {
            var state = invitation?.StateAt(now) ?? InvitationState.Revoked;
            LogClosedRefused(invitationId, state.ToString());
            throw new InvitationClosedException(state);
        }

        var done = invitation with { StoredState = InvitationState.Submitted, Response = "QuestionnaireResponse/" + responseId };
        var completed = InvitationTask.ToTask(done);
        completed.Id = invitationId;
        completed.ExecutionPeriod = task!.ExecutionPeriod;
        var prepared = await writer.PrepareAsync(completed, cancellationToken);
        await writer.UpdateAsync(session, "Task", invitationId, prepared, stored!.VersionId, cancellationToken);
    }

    /// <summary>Revokes the link (a submitted one stays submitted); null when there is no such invitation.</summary>
    public async Task<Invitation?> RevokeAsync(string invitationId, CancellationToken cancellationToken)
    {
        if (await ReadAsync(invitationId, cancellationToken) is not { } invitation)
        {
            return null;
        }

        if (invitation.StoredState is InvitationState.Submitted or InvitationState.Revoked)
        {
            return invitation;
        }

        var revoked = await WriteAsync(invitation with { StoredState = InvitationState.Revoked }, null, cancellationToken);
        LogRevoked(invitationId);
        return revoked;
    }

    private async Task<Invitation> WriteAsync(Invitation invitation, FhirTask? task, CancellationToken cancellationToken)
    {
        task ??= InvitationTask.ToTask(invitation);
        task.Id = invitation.Id;
        if (await records.ReadAsync<FhirTask>(invitation.Id, cancellationToken) is { ExecutionPeriod: { } period } && task.ExecutionPeriod is null)
        {
            task.ExecutionPeriod = period;
        }

        var stored = (await writes.UpdateAsync("Task", invitation.Id, task, invitation.Version, cancellationToken)).Stored;
        return invitation with { Version = stored.VersionId };
    }

    [GeneratedRegex("^Patient/[A-Za-z0-9\\-\\.]{1,64}$")]
    private static partial Regex PatientReference();

    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Invitation created: Task/{Id}, check {Check}")]
    private partial void LogCreated(string id, string check);

    [LoggerMessage(EventId = 7002, Level = LogLevel.Information, Message = "Invitation submitted: Task/{Id}; its link is spent (committed)")]
    private partial void LogCompleted(string id);

    [LoggerMessage(EventId = 7003, Level = LogLevel.Information, Message = "Invitation revoked: Task/{Id}")]
    private partial void LogRevoked(string id);

    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "A submission through the link of Task/{Id} was refused: the invitation is {State}; nothing stored")]
    private partial void LogClosedRefused(string id, string state);
}
