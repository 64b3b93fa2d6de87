using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Storage;
using PatientVoice.Storage.Search;

namespace PatientVoice.Application.Write;

/// <summary>
/// The write interactions (create, update, delete and their conditional forms) against one write session,
/// shared by the single-resource endpoints and by batch and transaction Bundles. A resource is first
/// prepared (<see cref="PrepareAsync"/>: validated and indexed) outside the session, so that the store's
/// single writer turn is held only for the database work.
/// </summary>
public sealed class ResourceWriter(IResourceStore store, SearchQueryParser searchParser, IEnumerable<IResourceWriteValidator> validators, IEnumerable<IResourceTransitionRule> transitionRules, IEnumerable<IWriteObserver> observers)
{
    // Parameters that shape a result but select nothing: on their own they are no condition at all.
    private static readonly HashSet<string> ResultParameters = new(StringComparer.Ordinal)
    {
        "_count", "_sort", "_summary", "_elements", "_include", "_revinclude", "_total", "_format", "_pretty", "_cursor",
    };

    private readonly IResourceWriteValidator[] _validators = validators.ToArray();
    private readonly ILookup<string, IResourceTransitionRule> _transitionRules = transitionRules.ToLookup(r => r.ResourceType, StringComparer.Ordinal);
    private readonly IWriteObserver[] _observers = observers.ToArray();

    /// <summary>Validates <paramref name="resource"/> (422 when it is not acceptable) and computes its index rows.</summary>
    public async Task<PreparedResource> PrepareAsync(Resource resource, CancellationToken cancellationToken)
    {
        await ValidateAsync(resource, cancellationToken);
        return store.Prepare(resource);
    }

    /// <summary>
    /// The validation half of <see cref="PrepareAsync"/>, for a transaction: its entries are validated before
    /// the transaction starts, and indexed (<see cref="Index"/>) once their urn:uuid references are resolved.
    /// </summary>
    public Task ValidateAsync(Resource resource, CancellationToken cancellationToken) => ValidateAsync(resource, false, cancellationToken);

    /// <summary>
    /// As <see cref="ValidateAsync(Resource, CancellationToken)"/>; with <paramref name="conformsByConstruction"/> the
    /// conformance check is left out (a resource a submission extracted from its validated response, docs/adr/0034),
    /// every other check still runs.
    /// </summary>
    public async Task ValidateAsync(Resource resource, bool conformsByConstruction, CancellationToken cancellationToken)
    {
        SearchCriteria.RequireType(resource.TypeName);
        foreach (var validator in _validators)
        {
            if (conformsByConstruction && validator.ChecksConformance)
            {
                continue;
            }

            await validator.ValidateAsync(resource, cancellationToken);
        }
    }

    /// <summary>The indexing half of <see cref="PrepareAsync"/>, for a resource already validated.</summary>
    public PreparedResource Index(Resource resource) => store.Prepare(resource);

    /// <summary>create; with <paramref name="ifNoneExist"/> a conditional create that writes nothing when one resource matches.</summary>
    /// <remarks><paramref name="assignedId"/>: an id the server already chose (a transaction resolving urn:uuid references).</remarks>
    public async Task<WriteOutcome> CreateAsync(IResourceWriteSession session, PreparedResource prepared, string? ifNoneExist, CancellationToken cancellationToken, string? assignedId = null)
    {
        var resource = prepared.Resource;
        var type = SearchCriteria.RequireType(resource.TypeName);
        if (await FindExistingAsync(session, type, ifNoneExist, cancellationToken) is { } existing)
        {
            return new WriteOutcome(existing, Created: false, Written: false);
        }

        // The server assigns the id of a created resource; an id in the body is ignored, as the spec says.
        resource.Id = assignedId;
        var result = await session.PutAsync(prepared, null, cancellationToken);
        await ObserveAsync(session, null, result, resource, cancellationToken);
        return new WriteOutcome(result.Stored, Created: true);
    }

    /// <summary>The one resource an If-None-Exist query matches, null for none, 412 for several.</summary>
    public async Task<StoredResource?> FindExistingAsync(IResourceWriteSession session, string type, string? ifNoneExist, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(ifNoneExist))
        {
            return null;
        }

        var matches = await MatchAsync(session, type, SearchCriteria.Parse(ifNoneExist), cancellationToken);
        return matches.Count switch
        {
            0 => null,
            1 => matches[0],
            _ => throw new PreconditionFailedException($"If-None-Exist matched {matches.Count} {type} resources; it must match at most one."),
        };
    }

    /// <summary>The one resource <paramref name="criteria"/> match, null for none, 412 for several (a conditional update's target).</summary>
    public Task<StoredResource?> FindOneAsync(IResourceWriteSession session, string type, IReadOnlyList<KeyValuePair<string, string>> criteria, CancellationToken cancellationToken)
        => FindOneAsync(session, type, criteria, null, cancellationToken);

    /// <summary>
    /// As above; with <paramref name="scope"/>, a search only resources written under that scope can match (a submission's
    /// extracted entries, <see cref="IResourceWriteSession.SearchAsync(SearchQuery, string, CancellationToken)"/>).
    /// </summary>
    public async Task<StoredResource?> FindOneAsync(IResourceWriteSession session, string type, IReadOnlyList<KeyValuePair<string, string>> criteria, string? scope, CancellationToken cancellationToken)
    {
        var matches = await MatchAsync(Searcher(session, scope), type, criteria, cancellationToken);
        return matches.Count switch
        {
            0 => null,
            1 => matches[0],
            _ => throw new PreconditionFailedException($"The conditions matched {matches.Count} {type} resources; a conditional update must match at most one."),
        };
    }

    /// <summary>update (or create with the client's id) of <paramref name="type"/>/<paramref name="id"/>.</summary>
    public async Task<WriteOutcome> UpdateAsync(IResourceWriteSession session, string type, string id, PreparedResource prepared, int? ifMatch, CancellationToken cancellationToken)
    {
        var resource = prepared.Resource;
        RequireTarget(type, id, resource);

        var current = _transitionRules.Contains(type) || Observed(type) ? await session.ReadAsync(type, id, cancellationToken) : null;
        var result = await session.PutAsync(prepared, ifMatch, cancellationToken);
        if (current is not null && !result.Unchanged)
        {
            // After the write, inside the transaction: a refused change is rolled back with it.
            CheckTransition(current, resource);
        }

        await ObserveAsync(session, current is { IsDeleted: false } ? current : null, result, resource, cancellationToken);

        return new WriteOutcome(result.Stored, result.Created, !result.Unchanged);
    }

    /// <summary>Conditional update: no match creates, one match updates it, more than one is a 412.</summary>
    public Task<WriteOutcome> ConditionalUpdateAsync(IResourceWriteSession session, string type, IReadOnlyList<KeyValuePair<string, string>> criteria, PreparedResource prepared, int? ifMatch, CancellationToken cancellationToken)
        => ConditionalUpdateAsync(session, type, criteria, null, prepared, ifMatch, cancellationToken);

    /// <summary>As above; with <paramref name="scope"/>, the search is confined to it (<see cref="FindOneAsync(IResourceWriteSession, string, IReadOnlyList{KeyValuePair{string, string}}, string?, CancellationToken)"/>).</summary>
    public async Task<WriteOutcome> ConditionalUpdateAsync(IResourceWriteSession session, string type, IReadOnlyList<KeyValuePair<string, string>> criteria, string? scope, PreparedResource prepared, int? ifMatch, CancellationToken cancellationToken)
    {
        var resource = prepared.Resource;
        RequireSameType(type, resource);
        var matches = await MatchAsync(Searcher(session, scope), type, criteria, cancellationToken);
        switch (matches.Count)
        {
            case 0:
                if (!string.IsNullOrEmpty(resource.Id) && await session.ReadAsync(type, resource.Id, cancellationToken) is { IsDeleted: false })
                {
                    throw new ResourceConflictException($"No {type} matches the conditions, but {type}/{resource.Id} exists; the update would overwrite a resource the conditions do not select.");
                }

                var created = await session.PutAsync(prepared, null, cancellationToken);
                await ObserveAsync(session, null, created, resource, cancellationToken);
                return new WriteOutcome(created.Stored, Created: true);
            case 1:
                var match = matches[0];
                if (!string.IsNullOrEmpty(resource.Id) && resource.Id != match.Id)
                {
                    throw new BadRequestException($"The id in the body ('{resource.Id}') is not the id of the matching resource ('{match.Id}').", $"{type}.id");
                }

                resource.Id = match.Id;
                var updated = await session.PutAsync(prepared, ifMatch, cancellationToken);
                if (!updated.Unchanged)
                {
                    CheckTransition(match, resource);
                }

                await ObserveAsync(session, match, updated, resource, cancellationToken);

                return new WriteOutcome(updated.Stored, Created: false, Written: !updated.Unchanged);
            default:
                throw new PreconditionFailedException($"The conditions matched {matches.Count} {type} resources; a conditional update must match at most one.");
        }
    }

    /// <summary>delete; null when there was nothing (left) to delete.</summary>
    public Task<StoredResource?> DeleteAsync(IResourceWriteSession session, string type, string id, int? ifMatch, CancellationToken cancellationToken)
        => session.DeleteAsync(SearchCriteria.RequireType(type), id, ifMatch, cancellationToken);

    /// <summary>Conditional delete (single): no match deletes nothing, one match is deleted, more is a 412.</summary>
    public async Task<StoredResource?> ConditionalDeleteAsync(IResourceWriteSession session, string type, IReadOnlyList<KeyValuePair<string, string>> criteria, CancellationToken cancellationToken)
    {
        SearchCriteria.RequireType(type);
        var matches = await MatchAsync(session, type, criteria, cancellationToken);
        return matches.Count switch
        {
            0 => null,
            1 => await session.DeleteAsync(type, matches[0].Id, null, cancellationToken),
            _ => throw new PreconditionFailedException($"The conditions matched {matches.Count} {type} resources; a conditional delete must match at most one."),
        };
    }

    /// <summary>
    /// The one resource <paramref name="criteria"/> match in the store as committed (null for none, 412 for several):
    /// where a conditional submission is resolved before its transaction, which checks it again (<c>TransactionGuard</c>).
    /// </summary>
    public async Task<StoredResource?> FindOneCommittedAsync(string type, IReadOnlyList<KeyValuePair<string, string>> criteria, CancellationToken cancellationToken)
    {
        var matches = await MatchAsync(store.SearchAsync, type, criteria, cancellationToken);
        return matches.Count switch
        {
            0 => null,
            1 => matches[0],
            _ => throw new PreconditionFailedException($"The conditions matched {matches.Count} {type} resources; they must match at most one."),
        };
    }

    private Task<IReadOnlyList<StoredResource>> MatchAsync(IResourceWriteSession session, string type, IReadOnlyList<KeyValuePair<string, string>> criteria, CancellationToken cancellationToken)
        => MatchAsync(session.SearchAsync, type, criteria, cancellationToken);

    // A conditional interaction's search: confined to a scope when one is given.
    private static Func<SearchQuery, CancellationToken, Task<SearchResult>> Searcher(IResourceWriteSession session, string? scope)
        => scope is null ? session.SearchAsync : (query, token) => session.SearchAsync(query, scope, token);

    private async Task<IReadOnlyList<StoredResource>> MatchAsync(Func<SearchQuery, CancellationToken, Task<SearchResult>> search, string type, IReadOnlyList<KeyValuePair<string, string>> criteria, CancellationToken cancellationToken)
    {
        if (!criteria.Any(c => !ResultParameters.Contains(c.Key)))
        {
            throw new BadRequestException($"A conditional interaction needs search parameters to select the {type}.");
        }

        // Strict: a condition we cannot evaluate must not silently match everything.
        var query = searchParser.Parse(type, criteria, strict: true) with { Count = 2 };
        var result = await search(query, cancellationToken);
        return result.Matches;
    }

    private bool Observed(string type) => _observers.Any(o => o.Observes(type));

    // Every version written through here, whatever the door, in its transaction (subscription notifications).
    private async Task ObserveAsync(IResourceWriteSession session, StoredResource? previous, WriteResult result, Resource resource, CancellationToken cancellationToken)
    {
        if (result.Unchanged)
        {
            return;
        }

        foreach (var observer in _observers)
        {
            if (observer.Observes(result.Stored.ResourceType))
            {
                await observer.OnWrittenAsync(session, previous, result.Stored, resource, cancellationToken);
            }
        }
    }

    private void CheckTransition(StoredResource current, Resource next)
    {
        foreach (var rule in _transitionRules[current.ResourceType])
        {
            rule.Check(current, next);
        }
    }

    /// <summary>400 unless the body is the <paramref name="type"/>/<paramref name="id"/> of the URL (checked before the costly validation).</summary>
    public static void RequireTarget(string type, string id, Resource resource)
    {
        RequireSameType(type, resource);
        if (string.IsNullOrEmpty(resource.Id))
        {
            throw new BadRequestException($"The {type} in the body has no id; an update must carry the id of the URL ('{id}').", $"{type}.id");
        }

        if (resource.Id != id)
        {
            throw new BadRequestException($"The id in the body ('{resource.Id}') does not match the id in the URL ('{id}').", $"{type}.id");
        }
    }

    /// <summary>400 unless the body is a <paramref name="type"/>.</summary>
    public static void RequireSameType(string type, Resource resource)
    {
        SearchCriteria.RequireType(type);
        if (resource.TypeName != type)
        {
            throw new BadRequestException($"The body is a {resource.TypeName}, but the URL is for {type}.", "resourceType");
        }
    }
}
