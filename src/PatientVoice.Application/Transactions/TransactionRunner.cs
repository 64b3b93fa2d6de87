using Hl7.Fhir.Model;
using PatientVoice.Application.Write;
using PatientVoice.Fhir.Errors;
using PatientVoice.Storage;

namespace PatientVoice.Application.Transactions;

/// <summary>
/// Runs entries as ONE database transaction: every entry happens or none does, <c>urn:uuid</c> references between
/// entries are resolved to the ids the server assigns, and entries run in the order the spec gives (DELETE, POST,
/// PUT, GET). The one transaction runner: a client's transaction Bundle and a submission (the response with what
/// it yields) both run here. Also runs a single batch entry in a transaction of its own.
/// </summary>
public sealed class TransactionRunner(IResourceStore store, ResourceWriter writer)
{
    private static readonly Bundle.HTTPVerb[] Order = [Bundle.HTTPVerb.DELETE, Bundle.HTTPVerb.POST, Bundle.HTTPVerb.PUT, Bundle.HTTPVerb.GET, Bundle.HTTPVerb.HEAD];

    /// <summary>
    /// All entries, or none (a failing entry throws <see cref="BundleEntryFailedException"/> naming it).
    /// <paramref name="beforeCommit"/>, when given, writes more in the same transaction once every entry is written
    /// (a submission's outbox message).
    /// </summary>
    public async Task<IReadOnlyList<EntryOutcome>> RunAsync(IReadOnlyList<BundleRequest> entries, IBundleSearch? search, CancellationToken cancellationToken,
        Func<IResourceWriteSession, IReadOnlyList<EntryOutcome>, Task>? beforeCommit = null)
    {
        foreach (var entry in entries)
        {
            entry.ThrowIfInvalid();
        }

        // Validation before the transaction: it is the slow part, needs nothing from the store, and the entries
        // are independent, so they are validated side by side. The first failing entry (in Bundle order) is reported.
        // What a submission built from its response conforms by construction (docs/adr/0034): its other checks only.
        var validations = entries.Where(e => e.Resource is not null)
            .Select(entry => Task.Run(() => Guard(entry, () => writer.ValidateAsync(entry.Resource!, entry.ConformsByConstruction, cancellationToken)), cancellationToken))
            .ToList();
        try
        {
            await Task.WhenAll(validations);
        }
        catch (BundleEntryFailedException)
        {
            throw validations.Where(v => v.IsFaulted).Select(v => v.Exception!.InnerException).OfType<BundleEntryFailedException>().MinBy(e => e.Index)!;
        }

        var outcomes = new EntryOutcome[entries.Count];
        await using var session = await store.BeginWriteAsync(cancellationToken);
        var references = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in entries.Where(e => e.Method is Bundle.HTTPVerb.POST or Bundle.HTTPVerb.PUT || e.Guard is not null))
        {
            await Guard(entry, () => AssignIdAsync(session, entry, references, cancellationToken));
        }

        foreach (var entry in entries.Where(e => e.Resource is not null))
        {
            await Guard(entry, () =>
            {
                ReferenceResolver.Resolve(entry.Resource!, references);
                entry.Prepared = writer.Index(entry.Resource!);
                return Task.CompletedTask;
            });
        }

        foreach (var verb in Order)
        {
            foreach (var entry in entries.Where(e => e.Method == verb))
            {
                await Guard(entry, async () => outcomes[entry.Index] = await ExecuteAsync(session, entry, search, cancellationToken));
            }
        }

        if (beforeCommit is not null)
        {
            await beforeCommit(session, outcomes);
        }

        await session.CommitAsync(cancellationToken);
        return outcomes;
    }

    /// <summary>One batch entry on its own: validated and indexed outside the writer turn, then a transaction of its own.</summary>
    public async Task<EntryOutcome> RunOneAsync(BundleRequest entry, IBundleSearch? search, CancellationToken cancellationToken)
    {
        entry.ThrowIfInvalid();
        if (entry.Resource is not null)
        {
            entry.Prepared = await writer.PrepareAsync(entry.Resource, cancellationToken);
        }

        await using var session = await store.BeginWriteAsync(cancellationToken);
        var outcome = await ExecuteAsync(session, entry, search, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return outcome;
    }

    /// <summary>
    /// Decides, before anything is written, the id a POST or PUT entry will have, so that other entries can
    /// point to it by its fullUrl: a POST gets a new id (or the one its If-None-Exist finds), a PUT the id of
    /// its URL, a conditional PUT the id of the one resource it matches (or a new one).
    /// </summary>
    private async Task AssignIdAsync(IResourceWriteSession session, BundleRequest entry, Dictionary<string, string> references, CancellationToken cancellationToken)
    {
        var type = SearchCriteria.RequireType(entry.Type);
        if (entry.Guard is { } guard && (await writer.FindOneAsync(session, guard.Type, guard.Criteria, cancellationToken))?.Id != guard.ExpectedId)
        {
            throw new ResourceConflictException($"The {guard.Type} resources the conditions select changed while this submission was prepared; send it again.");
        }

        switch (entry.Method)
        {
            case Bundle.HTTPVerb.POST:
                entry.Existing = await writer.FindExistingAsync(session, type, entry.IfNoneExist, cancellationToken);
                entry.AssignedId = entry.Existing?.Id ?? Guid.CreateVersion7().ToString("N");
                break;
            case Bundle.HTTPVerb.PUT when entry.Id is not null:
                entry.AssignedId = entry.Id;
                break;
            case Bundle.HTTPVerb.GET when entry.Existing is not null:
                // A submission already stored (SubmissionPlan.Existing): other entries may point to it by its fullUrl.
                entry.AssignedId = entry.Existing.Id;
                break;
            case Bundle.HTTPVerb.PUT:
                var match = await writer.FindOneAsync(session, type, entry.Query, entry.ConditionalScope, cancellationToken);
                entry.AssignedId = match?.Id ?? entry.Resource?.Id ?? Guid.CreateVersion7().ToString("N");
                if (entry.Resource is not null)
                {
                    entry.Resource.Id ??= entry.AssignedId;
                }

                break;
            default:
                return;
        }

        if (!string.IsNullOrEmpty(entry.FullUrl))
        {
            references[entry.FullUrl] = $"{type}/{entry.AssignedId}";
        }
    }

    private async Task<EntryOutcome> ExecuteAsync(IResourceWriteSession session, BundleRequest entry, IBundleSearch? search, CancellationToken cancellationToken)
    {
        SearchCriteria.RequireType(entry.Type);
        var ifMatch = VersionTag.Parse(entry.IfMatch, "request.ifMatch");
        switch (entry.Method)
        {
            case Bundle.HTTPVerb.POST:
                RequireBodyType(entry);
                if (entry.Existing is { } existing)
                {
                    return new EntryOutcome(EntryKind.Written, existing);
                }

                return EntryOutcome.Of(await writer.CreateAsync(session, Prepared(entry), entry.IfNoneExist, cancellationToken, entry.AssignedId));
            case Bundle.HTTPVerb.PUT:
                RequireBodyType(entry);
                return EntryOutcome.Of(entry.Id is not null
                    ? await writer.UpdateAsync(session, entry.Type, entry.Id, Prepared(entry), ifMatch, cancellationToken)
                    : await writer.ConditionalUpdateAsync(session, entry.Type, entry.Query, entry.ConditionalScope, Prepared(entry), ifMatch, cancellationToken));
            case Bundle.HTTPVerb.DELETE:
                var deleted = entry.Id is not null
                    ? await writer.DeleteAsync(session, entry.Type, entry.Id, ifMatch, cancellationToken)
                    : await writer.ConditionalDeleteAsync(session, entry.Type, entry.Query, cancellationToken);
                return new EntryOutcome(EntryKind.Deleted, deleted);
            case Bundle.HTTPVerb.GET or Bundle.HTTPVerb.HEAD:
                return await ReadAsync(session, entry, search, cancellationToken);
            default:
                throw new MethodNotAllowedException($"{entry.Method} is not supported in a Bundle entry.");
        }
    }

    private static async Task<EntryOutcome> ReadAsync(IResourceWriteSession session, BundleRequest entry, IBundleSearch? search, CancellationToken cancellationToken)
    {
        if (entry.Id is null)
        {
            var searchset = search is null
                ? throw new MethodNotAllowedException("A search is not supported here.")
                : await search.SearchAsync(session, entry.Type, entry.Query, cancellationToken);
            return new EntryOutcome(EntryKind.Read, Resource: searchset);
        }

        var stored = await session.ReadAsync(entry.Type, entry.Id, cancellationToken)
            ?? throw new ResourceNotFoundException($"{entry.Type}/{entry.Id} is not known.");
        if (entry.VersionId is { } version && version != stored.VersionId)
        {
            throw new BadRequestException("vread of a past version is not supported inside a Bundle; read the current version or use GET on _history.");
        }

        if (stored.IsDeleted)
        {
            throw new ResourceGoneException($"{entry.Type}/{entry.Id} was deleted.");
        }

        return new EntryOutcome(EntryKind.Read, stored);
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

    private static PreparedResource Prepared(BundleRequest entry)
        => entry.Prepared ?? throw new InvalidOperationException($"Bundle.entry[{entry.Index}] was not prepared before it was written.");

    private static void RequireBodyType(BundleRequest entry)
    {
        if (entry.Resource!.TypeName != entry.Type)
        {
            throw new BadRequestException($"The entry's resource is a {entry.Resource.TypeName}, but request.url is for {entry.Type}.", "resourceType");
        }
    }
}
