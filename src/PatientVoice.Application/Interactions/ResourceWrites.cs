using Hl7.Fhir.Model;
using PatientVoice.Application.EhrSync;
using PatientVoice.Application.Submit;
using PatientVoice.Application.Transactions;
using PatientVoice.Application.Write;
using PatientVoice.Storage;

namespace PatientVoice.Application.Interactions;

/// <summary>
/// The write use case every door calls for one resource: create, update, delete and their conditional forms. A submitted
/// QuestionnaireResponse (completed or amended) goes to <see cref="SubmissionService"/> whatever the interaction;
/// any other resource is validated and indexed outside the store's writer turn, then written in one transaction
/// (<see cref="ResourceWriter"/>: If-Match, unchanged-as-stored, transition rules). A change a patient makes on a page
/// is recorded with who made it (<see cref="WriteRecordedAsync"/> and its conditional forms).
/// </summary>
public sealed class ResourceWrites(IResourceStore store, ResourceWriter writer, SubmissionService submissions, ResponseRules responseRules, EhrSyncEnqueuer ehrSync, TimeProvider time)
{
    /// <summary>create; with <paramref name="ifNoneExist"/> the conditional form (the match, unchanged, when one resource matches).</summary>
    public async Task<WriteOutcome> CreateAsync(Resource resource, string? ifNoneExist, CancellationToken cancellationToken)
    {
        if (resource is QuestionnaireResponse response && ResponseRules.IsSubmission(response))
        {
            return await submissions.SubmitAsync(response, new SubmitTarget.Create(ifNoneExist), cancellationToken);
        }

        return await WriteAsync(resource, (session, prepared) => writer.CreateAsync(session, prepared, ifNoneExist, cancellationToken), cancellationToken);
    }

    /// <summary>update of <paramref name="type"/>/<paramref name="id"/> (or its creation with the client's id); 412 when <paramref name="ifMatch"/> is not current.</summary>
    public async Task<WriteOutcome> UpdateAsync(string type, string id, Resource resource, int? ifMatch, CancellationToken cancellationToken)
    {
        ResourceWriter.RequireTarget(type, id, resource);
        if (resource is QuestionnaireResponse response && ResponseRules.IsSubmission(response))
        {
            return await submissions.SubmitAsync(response, new SubmitTarget.Update(id, ifMatch), cancellationToken);
        }

        return await WriteAsync(resource, (session, prepared) => writer.UpdateAsync(session, type, id, prepared, ifMatch, cancellationToken), cancellationToken);
    }

    /// <summary>Conditional update: no match creates, one match updates it, more than one is a 412.</summary>
    public async Task<WriteOutcome> ConditionalUpdateAsync(string type, IReadOnlyList<KeyValuePair<string, string>> criteria, Resource resource, int? ifMatch, CancellationToken cancellationToken)
    {
        ResourceWriter.RequireSameType(type, resource);
        if (resource is QuestionnaireResponse response && ResponseRules.IsSubmission(response))
        {
            return await submissions.SubmitAsync(response, new SubmitTarget.ConditionalUpdate(criteria, ifMatch), cancellationToken);
        }

        return await WriteAsync(resource, (session, prepared) => writer.ConditionalUpdateAsync(session, type, criteria, prepared, ifMatch, cancellationToken), cancellationToken);
    }

    /// <summary>delete; null when there was nothing (left) to delete.</summary>
    public async Task<StoredResource?> DeleteAsync(string type, string id, int? ifMatch, CancellationToken cancellationToken)
    {
        await using var session = await store.BeginWriteAsync(cancellationToken);
        var deleted = await writer.DeleteAsync(session, type, id, ifMatch, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <summary>Conditional delete (single): no match deletes nothing, one match is deleted, more is a 412.</summary>
    public async Task<StoredResource?> ConditionalDeleteAsync(string type, IReadOnlyList<KeyValuePair<string, string>> criteria, CancellationToken cancellationToken)
    {
        await using var session = await store.BeginWriteAsync(cancellationToken);
        var deleted = await writer.ConditionalDeleteAsync(session, type, criteria, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return deleted;
    }

    /// <summary>
    /// A change a person made on a page rather than through a questionnaire (a patient or their family member on My
    /// goals, a clinician agreeing a goal, acknowledging or recording an agenda outcome): created (no id) or updated at
    /// <paramref name="ifMatch"/>, and in the same transaction a Provenance naming who (<paramref name="by"/>) made this
    /// version and, for what the EHR write-back carries, the change's outbox message.
    /// </summary>
    public Task<WriteOutcome> WriteRecordedAsync(Resource resource, int? ifMatch, Actor by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return RecordAsync(resource, by, (session, prepared) => resource.Id is null
            ? writer.CreateAsync(session, prepared, null, cancellationToken, Guid.CreateVersion7().ToString("N"))
            : writer.UpdateAsync(session, resource.TypeName, resource.Id, prepared, ifMatch, cancellationToken), cancellationToken);
    }

    /// <summary>As <see cref="WriteRecordedAsync"/>, a conditional create: when <paramref name="ifNoneExist"/> matches, the match, and nothing written or recorded.</summary>
    public Task<WriteOutcome> CreateRecordedAsync(Resource resource, string ifNoneExist, Actor by, CancellationToken cancellationToken)
        => RecordAsync(resource, by, (session, prepared) => writer.CreateAsync(session, prepared, ifNoneExist, cancellationToken, Guid.CreateVersion7().ToString("N")), cancellationToken);

    /// <summary>As <see cref="WriteRecordedAsync"/>, a conditional update: a new version of the one match, or a new resource.</summary>
    public Task<WriteOutcome> ConditionalUpdateRecordedAsync(Resource resource, IReadOnlyList<KeyValuePair<string, string>> criteria, Actor by, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return RecordAsync(resource, by, (session, prepared) => writer.ConditionalUpdateAsync(session, resource.TypeName, criteria, prepared, null, cancellationToken), cancellationToken);
    }

    private async Task<WriteOutcome> RecordAsync(Resource resource, Actor by, Func<IResourceWriteSession, PreparedResource, Task<WriteOutcome>> write, CancellationToken cancellationToken)
    {
        var prepared = await PrepareAsync(resource, cancellationToken);
        await using var session = await store.BeginWriteAsync(cancellationToken);
        var outcome = await write(session, prepared);
        if (!outcome.Written)
        {
            return outcome; // nothing changed: nothing to record, nothing to send
        }

        var provenance = await writer.PrepareAsync(PageChangeProvenance.Create(outcome.Stored, outcome.Created, by, time.GetUtcNow()), cancellationToken);
        var recorded = await writer.CreateAsync(session, provenance, null, cancellationToken, Guid.CreateVersion7().ToString("N"));
        var queued = await ehrSync.EnqueueChangeAsync(session, outcome.Stored, recorded.Stored, by.PatientReference, cancellationToken);
        await session.CommitAsync(cancellationToken);
        if (queued)
        {
            ehrSync.NotifyCommitted();
        }

        return outcome;
    }

    // Validate and index outside the store's writer turn, then one transaction for the write itself.
    private async Task<WriteOutcome> WriteAsync(Resource resource, Func<IResourceWriteSession, PreparedResource, Task<WriteOutcome>> write, CancellationToken cancellationToken)
    {
        var prepared = await PrepareAsync(resource, cancellationToken);
        await using var session = await store.BeginWriteAsync(cancellationToken);
        var outcome = await write(session, prepared);
        await session.CommitAsync(cancellationToken);
        return outcome;
    }

    private async Task<PreparedResource> PrepareAsync(Resource resource, CancellationToken cancellationToken)
    {
        if (resource is QuestionnaireResponse response)
        {
            // A draft or a withdrawn response: the questionnaire version resolved, no flag from the client.
            await responseRules.ApplyAsync(response, cancellationToken);
        }

        return await writer.PrepareAsync(resource, cancellationToken);
    }
}
