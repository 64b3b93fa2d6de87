using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using PatientVoice.Application.EhrSync;
using PatientVoice.Application.Transactions;
using PatientVoice.Application.Validation;
using PatientVoice.Application.Write;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Goals;
using PatientVoice.Fhir.Questionnaires.Extract;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;

namespace PatientVoice.Application.Submit;

/// <summary>
/// Submitting a questionnaire, whatever the door (POST, PUT, their conditional forms, batch and transaction entries,
/// the patient pages): a response written as completed or amended gets the server's rules (<see cref="ResponseRules"/>:
/// the safety flag, the questionnaire version), is extracted (SDC) and stored with everything extracted from it, one
/// Provenance and its EHR outbox message, in ONE transaction. Amending re-extracts onto the same resources (they carry
/// stable identifiers) and ends what the patient took out (a goal is cancelled, never deleted). Sending the same
/// submission again changes nothing; a conditional create that matches returns the match (docs/adr/0020).
/// </summary>
public sealed partial class SubmissionService(
    QuestionnaireResponseExtractor extractor,
    ProvenExtraction proven,
    IOptions<FhirApiOptions> options,
    CarriedGoals carriedGoals,
    CarriedIdentities carriedIdentities,
    QuestionnaireLookup questionnaires,
    ResponseRules rules,
    IResourceStore store,
    ResourceWriter writer,
    TransactionRunner transactions,
    TimeProvider time,
    EhrSyncEnqueuer ehrSync,
    ILogger<SubmissionService> logger)
{
    public static bool IsSubmission(Resource resource) => ResponseRules.IsSubmission(resource);

    /// <summary>Stores a submitted response as <paramref name="target"/> asks, with what it yields.</summary>
    public Task<WriteOutcome> SubmitAsync(QuestionnaireResponse response, SubmitTarget target, CancellationToken cancellationToken)
        => SubmitAsync(response, target, null, cancellationToken);

    /// <summary>
    /// As <see cref="SubmitAsync(QuestionnaireResponse, SubmitTarget, CancellationToken)"/>; <paramref name="settles"/>,
    /// when given, writes more in the submission's own transaction once the response is written (it is given the stored
    /// response): what the submission settles stands or falls with it — a one-time link's invitation completed with
    /// this response as its output (docs/adr/0029). When it throws, nothing of the submission is stored.
    /// </summary>
    public async Task<WriteOutcome> SubmitAsync(QuestionnaireResponse response, SubmitTarget target, Func<IResourceWriteSession, StoredResource, Task>? settles, CancellationToken cancellationToken)
    {
        // The questionnaire found to extract is the one the response is then validated against (one store search, not two).
        using var sameQuestionnaire = questionnaires.Remembering();
        var plan = await PlanAsync(response, target, cancellationToken);
        if (plan.Existing is { } existing)
        {
            return new WriteOutcome(existing, Created: false);
        }

        var entries = plan.Requests(0, 1);
        IReadOnlyList<EntryOutcome> written;
        try
        {
            // The write-back to the EHR is queued in the same transaction: stored submissions, and only they, get delivered.
            written = await transactions.RunAsync(entries, null, cancellationToken, async (session, outcomes) =>
            {
                await EnqueueAsync(session, outcomes, response, cancellationToken);
                if (settles is not null)
                {
                    await settles(session, outcomes[0].Stored ?? throw new InvalidOperationException("The submitted response was not written."));
                }
            });
        }
        catch (BundleEntryFailedException failure) when (failure.Index == 0)
        {
            // The response itself: report it as the client sent it, not as an entry of our transaction.
            throw failure.Inner;
        }

        var stored = written[0].Stored ?? throw new InvalidOperationException("The submitted response was not written.");
        ehrSync.NotifyCommitted();
        LogSubmitted(stored.Id, stored.VersionId, written.Count - 1);
        return new WriteOutcome(stored, plan.ServerNamesIt || stored.VersionId == 1);
    }

    /// <summary>The outbox message of one submission, written in its transaction (<paramref name="outcomes"/>: the response first).</summary>
    public Task EnqueueAsync(IResourceWriteSession session, IEnumerable<EntryOutcome> outcomes, QuestionnaireResponse response, CancellationToken cancellationToken)
        => ehrSync.EnqueueAsync(session, [.. outcomes.Select(o => o.Stored).OfType<StoredResource>()], response.Subject?.Reference, cancellationToken);

    /// <summary>After the commit of a transaction that held submissions: the write-back worker need not wait.</summary>
    public void NotifyCommitted() => ehrSync.NotifyCommitted();

    /// <summary>
    /// Decides what storing <paramref name="response"/> as <paramref name="target"/> comes to, before any transaction:
    /// the server's rules applied, the conditions resolved (the id must be known before extraction), and the
    /// transaction prepared. Also how a submission inside a client's transaction Bundle is expanded.
    /// </summary>
    public async Task<SubmissionPlan> PlanAsync(QuestionnaireResponse response, SubmitTarget target, CancellationToken cancellationToken)
    {
        await rules.ApplyAsync(response, cancellationToken);
        switch (target)
        {
            case SubmitTarget.Create { IfNoneExist: { Length: > 0 } condition }:
            {
                var criteria = SearchCriteria.Parse(condition);
                if (await writer.FindOneCommittedAsync("QuestionnaireResponse", criteria, cancellationToken) is { } match)
                {
                    return SubmissionPlan.Nothing(match);
                }

                return await NewAsync(response, null, new TransactionGuard("QuestionnaireResponse", criteria, null), cancellationToken);
            }

            case SubmitTarget.Create:
                return await NewAsync(response, null, null, cancellationToken);
            case SubmitTarget.Update update:
                ResourceWriter.RequireTarget("QuestionnaireResponse", update.Id, response);
                return await UnchangedAsync(response, cancellationToken) is { } same
                    ? SubmissionPlan.Nothing(same)
                    : await PrepareAsync(response, update.IfMatch, null, false, cancellationToken);
            case SubmitTarget.ConditionalUpdate conditional:
            {
                var match = await writer.FindOneCommittedAsync("QuestionnaireResponse", conditional.Criteria, cancellationToken);
                var guard = new TransactionGuard("QuestionnaireResponse", conditional.Criteria, match?.Id);
                if (match is null)
                {
                    if (!string.IsNullOrEmpty(response.Id) && await store.ReadAsync("QuestionnaireResponse", response.Id, cancellationToken) is { IsDeleted: false })
                    {
                        throw new ResourceConflictException($"No QuestionnaireResponse matches the conditions, but QuestionnaireResponse/{response.Id} exists; the update would overwrite a resource the conditions do not select.");
                    }

                    return await NewAsync(response, response.Id, guard, cancellationToken);
                }

                if (!string.IsNullOrEmpty(response.Id) && response.Id != match.Id)
                {
                    throw new BadRequestException($"The id in the body ('{response.Id}') is not the id of the matching resource ('{match.Id}').", "QuestionnaireResponse.id");
                }

                response.Id = match.Id;
                return await UnchangedAsync(response, cancellationToken) is { } unchanged
                    ? SubmissionPlan.Nothing(unchanged)
                    : await PrepareAsync(response, conditional.IfMatch, guard, false, cancellationToken);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(target));
        }
    }

    // A response that is not stored yet: the server names it now (the extracted identifiers derive from its id), unless the client did.
    private async Task<SubmissionPlan> NewAsync(QuestionnaireResponse response, string? clientId, TransactionGuard? guard, CancellationToken cancellationToken)
    {
        response.Id = clientId ?? Guid.CreateVersion7().ToString("N");
        return await PrepareAsync(response, null, guard, clientId is null, cancellationToken);
    }

    /// <summary>
    /// The transaction a submission writes: the response first (<c>PUT QuestionnaireResponse/{id}</c>, with its narrative),
    /// then what it yields, the Provenance, and the goals it ends. What the extractor built from the response to one of our
    /// questionnaires, exactly as shipped, is not validated again (docs/adr/0034): the response is, in the same transaction,
    /// against the same questionnaire (<see cref="QuestionnaireLookup.Remembering"/>), and when it passes so does all of that.
    /// </summary>
    private async Task<SubmissionPlan> PrepareAsync(QuestionnaireResponse response, int? ifMatch, TransactionGuard? guard, bool serverNamesIt, CancellationToken cancellationToken)
    {
        var questionnaire = await questionnaires.FindAsync(response.Questionnaire ?? string.Empty, cancellationToken)
            ?? throw new UnprocessableEntityException($"The Questionnaire '{response.Questionnaire}' is not on this server; store it before responses to it.", "QuestionnaireResponse.questionnaire");
        // The ids of carried goals must be ones the response it was carried forward from made for this patient (docs/adr/0008).
        await carriedIdentities.CheckAsync(response, questionnaire, response.Subject?.Reference ?? string.Empty, cancellationToken);
        var result = extractor.Extract(response, questionnaire, ExtractionContext.For(response, time) with { ResponseVersionId = null });
        var errors = result.Issues.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal).ToList();
        if (errors.Count > 0)
        {
            throw new UnprocessableEntityException(errors);
        }

        await carriedGoals.CheckIdentitiesAsync(result, response, cancellationToken);
        var transaction = extractor.ToTransaction(result, response);
        // Every entry but the response is the extractor's; the full validation the proof holds against includes our default profiles.
        var extracted = transaction.Entry.Count - 1;
        var extractionProven = proven.Covers(questionnaire) && options.Value.ValidateAgainstDefaultProfiles;
        var responseEntry = transaction.Entry[0];
        responseEntry.Request ??= new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = $"QuestionnaireResponse/{result.ResponseId}" };
        responseEntry.Request.IfMatch = ifMatch is { } version ? VersionTag.Format(version) : null;
        var ended = new HashSet<string>(StringComparer.Ordinal);
        await EndWhatWasRemovedAsync(transaction, result, result.ResponseId, ended, cancellationToken);

        // A response pre-filled from an earlier one ($populate): the goals that one held and this one dropped are ended.
        foreach (var goal in await carriedGoals.DroppedAsync(result, response, cancellationToken))
        {
            AddEnded(transaction, GoalLifecycle.EndRemoved(goal, time.GetUtcNow()), ended);
        }

        return new SubmissionPlan(null, transaction, guard, serverNamesIt) { Extracted = extracted, ExtractionProven = extractionProven };
    }

    // The same body again (a retry whose first attempt landed): nothing to extract, nothing to write.
    private async Task<StoredResource?> UnchangedAsync(QuestionnaireResponse response, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(response.Id) || await store.ReadAsync("QuestionnaireResponse", response.Id, cancellationToken) is not { IsDeleted: false, Json: { } json } current)
        {
            return null;
        }

        var copy = (QuestionnaireResponse)response.DeepCopy();
        copy.Meta ??= new Meta();
        copy.Meta.VersionId = current.VersionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
        copy.Meta.LastUpdated = current.LastUpdated;
        // The stored response carries the narrative the submission wrote; the client's copy may not.
        copy.Text = FhirSerializer.Parse<QuestionnaireResponse>(json).Text;
        return string.Equals(FhirSerializer.ToJson(copy), json, StringComparison.Ordinal) ? current : null;
    }

    // What the last submission of this response extracted and this one no longer does: ended, as a new version.
    private async Task EndWhatWasRemovedAsync(Bundle transaction, ExtractionResult result, string responseId, HashSet<string> ended, CancellationToken cancellationToken)
    {
        var previous = await carriedGoals.ExtractedByAsync(responseId, cancellationToken);
        var now = time.GetUtcNow();
        foreach (var removed in result.NoLongerExtracted(previous))
        {
            Resource? endedResource = removed switch
            {
                Goal goal => GoalLifecycle.EndRemoved(goal, now),
                Observation observation => RemovedAnswers.EndRemovedObservation(observation, now),
                _ => null,
            };
            if (endedResource is not null)
            {
                AddEnded(transaction, endedResource, ended);
            }
        }
    }

    private static void AddEnded(Bundle transaction, Resource resource, HashSet<string> ended)
    {
        if (ended.Add($"{resource.TypeName}/{resource.Id}"))
        {
            transaction.Entry.Add(new Bundle.EntryComponent
            {
                Resource = resource,
                Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.PUT, Url = $"{resource.TypeName}/{resource.Id}" },
            });
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Submission stored: QuestionnaireResponse/{Id} version {Version} with {Count} other resources")]
    private partial void LogSubmitted(string id, int version, int count);
}
