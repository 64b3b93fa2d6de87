using Hl7.Fhir.Model;
using PatientVoice.Application.Submit;
using PatientVoice.Application.Transactions;
using PatientVoice.Application.Validation;
using PatientVoice.Application.Write;
using PatientVoice.Fhir.Errors;
using PatientVoice.Storage;

namespace PatientVoice.Application.Interactions;

/// <summary>
/// Batch and transaction Bundles. A transaction is one database transaction (<see cref="TransactionRunner"/>); a submitted
/// response in it is expanded into the submission's own entries, so it is stored exactly as the direct endpoint stores
/// it — same rules, same resources, same Provenance, same outbox message. A batch runs each entry on its own through the
/// same use cases as the single-resource endpoints (<see cref="ResourceWrites"/>) and reports each outcome.
/// </summary>
public sealed class BundleProcessing(TransactionRunner transactions, ResourceWrites writes, SubmissionService submissions, ResponseRules responseRules, QuestionnaireLookup questionnaires)
{
    /// <summary>One outcome per entry the client sent, in its order; all written or none.</summary>
    /// <param name="authorize">Each entry is authorized as its own request before anything runs: one refusal refuses the transaction.</param>
    public async Task<IReadOnlyList<EntryOutcome>> TransactionAsync(IReadOnlyList<BundleRequest> entries, Func<BundleRequest, Task> authorize, IBundleSearch search, CancellationToken cancellationToken)
    {
        foreach (var entry in entries)
        {
            entry.ThrowIfInvalid();
            await Guard(entry, () => authorize(entry));
        }

        // A submission's questionnaire is found once: the one it is extracted with is the one its response is validated
        // against, as on the direct endpoint (SubmissionService), which the extraction proof relies on (docs/adr/0034).
        using var sameQuestionnaires = questionnaires.Remembering();
        var (expanded, groups) = await ExpandAsync(entries, cancellationToken);
        var outcomes = await transactions.RunAsync(expanded, search, cancellationToken, async (session, written) =>
        {
            // The write-back to the EHR, queued in the transaction: one message per submission, as the direct endpoint queues.
            foreach (var group in groups)
            {
                await submissions.EnqueueAsync(session, group.Indexes.Select(i => written[i]), group.Response, cancellationToken);
            }
        });
        if (groups.Count > 0)
        {
            submissions.NotifyCommitted();
        }

        return [.. outcomes.Take(entries.Count)];
    }

    /// <summary>Each entry on its own: its outcome, or the OperationOutcome of its failure (<see cref="FhirException"/>).</summary>
    public async Task<IReadOnlyList<(EntryOutcome? Outcome, FhirException? Failure)>> BatchAsync(IReadOnlyList<BundleRequest> entries, Func<BundleRequest, Task> authorize, IBundleSearch search, CancellationToken cancellationToken)
    {
        var results = new List<(EntryOutcome?, FhirException?)>(entries.Count);
        foreach (var entry in entries)
        {
            try
            {
                entry.ThrowIfInvalid();
                await authorize(entry);
                results.Add((await RunAsync(entry, search, cancellationToken), null));
            }
            catch (FhirException e)
            {
                results.Add((null, e is BundleEntryFailedException failed ? failed.Inner : e));
            }
        }

        return results;
    }

    // A batch entry is the single-resource interaction it names.
    private async Task<EntryOutcome> RunAsync(BundleRequest entry, IBundleSearch search, CancellationToken cancellationToken)
    {
        var ifMatch = VersionTag.Parse(entry.IfMatch, "request.ifMatch");
        switch (entry.Method)
        {
            case Bundle.HTTPVerb.POST:
                SearchCriteria.RequireType(entry.Type);
                ResourceWriter.RequireSameType(entry.Type, entry.Resource!);
                return EntryOutcome.Of(await writes.CreateAsync(entry.Resource!, entry.IfNoneExist, cancellationToken));
            case Bundle.HTTPVerb.PUT when entry.Id is not null:
                return EntryOutcome.Of(await writes.UpdateAsync(SearchCriteria.RequireType(entry.Type), entry.Id, entry.Resource!, ifMatch, cancellationToken));
            case Bundle.HTTPVerb.PUT:
                return EntryOutcome.Of(await writes.ConditionalUpdateAsync(SearchCriteria.RequireType(entry.Type), entry.Query, entry.Resource!, ifMatch, cancellationToken));
            case Bundle.HTTPVerb.DELETE when entry.Id is not null:
                return new EntryOutcome(EntryKind.Deleted, await writes.DeleteAsync(SearchCriteria.RequireType(entry.Type), entry.Id, ifMatch, cancellationToken));
            case Bundle.HTTPVerb.DELETE:
                return new EntryOutcome(EntryKind.Deleted, await writes.ConditionalDeleteAsync(SearchCriteria.RequireType(entry.Type), entry.Query, cancellationToken));
            default:
                return await transactions.RunOneAsync(entry, search, cancellationToken);
        }
    }

    /// <summary>
    /// Each submitted QuestionnaireResponse entry replaced by its submission's entries: the response (keeping the client's
    /// fullUrl so other entries' references resolve) and, appended, what it yields, its Provenance and the goals it ends.
    /// A conditional form is resolved first, as the direct endpoint resolves it (<see cref="SubmissionService.PlanAsync"/>),
    /// and checked again inside the transaction. Every other response gets the server's rules too.
    /// </summary>
    private async Task<(List<BundleRequest> Entries, List<SubmissionGroup> Groups)> ExpandAsync(IReadOnlyList<BundleRequest> entries, CancellationToken cancellationToken)
    {
        var expanded = new List<BundleRequest>(entries);
        var groups = new List<SubmissionGroup>();
        foreach (var entry in entries)
        {
            if (entry.Resource is not QuestionnaireResponse response || entry.Method is not (Bundle.HTTPVerb.POST or Bundle.HTTPVerb.PUT) || entry.Type != "QuestionnaireResponse")
            {
                continue;
            }

            await Guard(entry, async () =>
            {
                if (!ResponseRules.IsSubmission(response))
                {
                    await responseRules.ApplyAsync(response, cancellationToken);
                    return;
                }

                var plan = await submissions.PlanAsync(response, TargetOf(entry), cancellationToken);
                if (plan.Existing is { } existing)
                {
                    // Nothing new: the entry reads what is there (the match, or the same response again), checked in the transaction.
                    expanded[entry.Index] = Existing(entry, existing);
                    return;
                }

                var submission = plan.Transaction!;
                submission.Entry[0].FullUrl = entry.FullUrl ?? submission.Entry[0].FullUrl;
                var start = expanded.Count;
                var requests = plan.Requests(entry.Index, start);
                expanded[entry.Index] = requests[0];
                expanded.AddRange(requests.Skip(1));
                groups.Add(new SubmissionGroup(response, [entry.Index, .. Enumerable.Range(start, submission.Entry.Count - 1)]));
            });
        }

        return (expanded, groups);
    }

    private static SubmitTarget TargetOf(BundleRequest entry) => entry switch
    {
        { Method: Bundle.HTTPVerb.POST } => new SubmitTarget.Create(entry.IfNoneExist),
        { Id: { } id } => new SubmitTarget.Update(id, VersionTag.Parse(entry.IfMatch, "request.ifMatch")),
        _ => new SubmitTarget.ConditionalUpdate(entry.Query, VersionTag.Parse(entry.IfMatch, "request.ifMatch")),
    };

    // An entry whose submission is already stored: a read of it in the transaction, answered as the write it stands for (200).
    private static BundleRequest Existing(BundleRequest entry, StoredResource existing)
    {
        var request = BundleRequest.From(new Bundle.EntryComponent
        {
            FullUrl = entry.FullUrl,
            Request = new Bundle.RequestComponent { Method = Bundle.HTTPVerb.GET, Url = $"QuestionnaireResponse/{existing.Id}" },
        }, entry.Index);
        request.Guard = new TransactionGuard("QuestionnaireResponse", [new("_id", existing.Id)], existing.Id);
        request.Existing = existing;
        return request;
    }

    private static async Task Guard(BundleRequest entry, Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (FhirException e) when (e is not BundleEntryFailedException)
        {
            throw new BundleEntryFailedException(entry.Index, e);
        }
    }

    private sealed record SubmissionGroup(QuestionnaireResponse Response, IReadOnlyList<int> Indexes);
}
