using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Smart.Scopes;
using PatientVoice.Storage;
using PatientVoice.Storage.Search;

namespace PatientVoice.Web.Security;

/// <summary>
/// The resource store as seen by the FHIR request being served: its token's reach (see
/// <see cref="FhirAccessGrant"/>) narrows every search in the database, hides what lies outside it from
/// reads (a null read is the API's 404: existence is not revealed), and refuses writes outside it. Every
/// interaction, Bundle entry, conditional write and submission goes through here, so none can step
/// around it. Outside a FHIR request (start-up, background workers, pages) it is the store itself.
/// </summary>
/// <remarks>
/// Which letters the request may use was decided before (<see cref="ScopeAccessPolicy"/>); this decides
/// which patients: the reach of the type for the kind of access (read and search, write, delete), or, when
/// the token's scopes do not name the type at all (a submission writing the Goals it yields), the token's
/// broadest reach.
/// </remarks>
public sealed class CompartmentResourceStore(IResourceStore inner, IHttpContextAccessor http, PatientCompartment compartment) : IResourceStore
{
    private const SmartInteractions ReadAccess = SmartInteractions.Read | SmartInteractions.Search;
    private const SmartInteractions WriteAccess = SmartInteractions.Create | SmartInteractions.Update;

    /// <summary>The store without the request's reach (the authorization point tells 403 from 404 with it).</summary>
    internal IResourceStore Unrestricted => inner;

    private PatientCompartment Compartment => compartment;

    public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

    public PreparedResource Prepare(Resource resource) => inner.Prepare(resource);

    public async Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken)
        => Visible(await inner.ReadAsync(resourceType, id, cancellationToken));

    public async Task<StoredResource?> ReadVersionAsync(string resourceType, string id, int versionId, CancellationToken cancellationToken)
        => Visible(await inner.ReadVersionAsync(resourceType, id, versionId, cancellationToken));

    public async Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken cancellationToken)
    {
        if (Grant is { } grant)
        {
            var type = query.ResourceType ?? "*";
            var reach = Reach(grant, type, SmartInteractions.Search, derived: false);
            if (query.Id is null && !reach.IsAllPatients)
            {
                throw new AccessDeniedException($"History of {(query.ResourceType is null ? "the whole server" : "every " + type)} spans patients; this token reaches {reach}. Search within its reach, or read the history of one resource.");
            }

            if (query.ResourceType is null && !grant.ReachFor(FhirAccessGrant.AuditEventType, SmartInteractions.Search).IsAllPatients)
            {
                throw new AccessDeniedException("History of the whole server includes the audit trail: it needs system/AuditEvent.s as well as system/*.s. Read the history of a type instead.");
            }

            if (query.Id is not null && await ReadAsync(query.ResourceType!, query.Id, cancellationToken) is null)
            {
                return new HistoryPage([], 0, null);
            }
        }

        return await inner.HistoryAsync(query, cancellationToken);
    }

    public async Task<SearchResult> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
        => Grant is { } grant ? Filter(grant, await inner.SearchAsync(Narrow(grant, query), cancellationToken)) : await inner.SearchAsync(query, cancellationToken);

    public async Task<IResourceWriteSession> BeginWriteAsync(CancellationToken cancellationToken)
        => Confine(await inner.BeginWriteAsync(cancellationToken));

    public async Task<IResourceWriteSession> BeginBackgroundWriteAsync(CancellationToken cancellationToken)
        => Confine(await inner.BeginBackgroundWriteAsync(cancellationToken));

    // A session of a request with a grant sees and writes only what the grant reaches.
    private IResourceWriteSession Confine(IResourceWriteSession session) => Grant is null ? session : new Session(this, session);

    private FhirAccessGrant? Grant => http.HttpContext is { } context ? FhirAccessGrant.Get(context) : null;

    /// <summary>
    /// The reach for one kind of access: the letters together, else any one of them, else (<paramref name="derived"/>:
    /// the access is part of an interaction already allowed) any letter on the type, else — the scopes do not
    /// name the type at all — the token's broadest reach (a submission storing the Goals its response yields).
    /// </summary>
    private static AccessReach Reach(FhirAccessGrant grant, string resourceType, SmartInteractions access, bool derived = true)
    {
        var reach = grant.ReachFor(resourceType, access);
        if (reach.Granted || resourceType == FhirAccessGrant.AuditEventType)
        {
            return reach;
        }

        foreach (var letter in Letters.Where(l => (access & l) == l))
        {
            if (grant.ReachFor(resourceType, letter) is { Granted: true } one)
            {
                return one;
            }
        }

        if (!derived)
        {
            return AccessReach.None;
        }

        foreach (var letter in Letters)
        {
            if (grant.ReachFor(resourceType, letter) is { Granted: true } any)
            {
                return any;
            }
        }

        var named = grant.Scopes.ResourceScopes.Any(s => !s.IsQueryRestricted && (s.ResourceType == resourceType || s.ResourceType == "*"));
        return named ? AccessReach.None : grant.BaseReach;
    }

    private static readonly SmartInteractions[] Letters =
        [SmartInteractions.Create, SmartInteractions.Read, SmartInteractions.Update, SmartInteractions.Delete, SmartInteractions.Search];

    private StoredResource? Visible(StoredResource? stored)
        => stored is null || Grant is not { } grant || compartment.Contains(stored, Reach(grant, stored.ResourceType, ReadAccess)) ? stored : null;

    private SearchQuery Narrow(FhirAccessGrant grant, SearchQuery query) => compartment.Narrow(query, Reach(grant, query.ResourceType, ReadAccess));

    // Matches are narrowed in the database; what _include and _revinclude bring in is checked one by one, and only
    // types the scopes grant read or search on are brought in.
    private SearchResult Filter(FhirAccessGrant grant, SearchResult result)
        => result.Included.Count == 0
            ? result
            : result with { Included = result.Included.Where(r => compartment.Contains(r, Reach(grant, r.ResourceType, ReadAccess, derived: false))).ToList() };

    private sealed class Session(CompartmentResourceStore store, IResourceWriteSession inner) : IResourceWriteSession
    {
        public async Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken)
            => store.Visible(await inner.ReadAsync(resourceType, id, cancellationToken));

        public async Task<SearchResult> SearchAsync(SearchQuery query, CancellationToken cancellationToken)
            => store.Grant is { } grant ? store.Filter(grant, await inner.SearchAsync(store.Narrow(grant, query), cancellationToken)) : await inner.SearchAsync(query, cancellationToken);

        // Narrowed as any search is: a scoped search differs only in the store's locks.
        public async Task<SearchResult> SearchAsync(SearchQuery query, string scope, CancellationToken cancellationToken)
            => store.Grant is { } grant ? store.Filter(grant, await inner.SearchAsync(store.Narrow(grant, query), scope, cancellationToken)) : await inner.SearchAsync(query, scope, cancellationToken);

        // Narrowed as a search is: a look-up differs only in the store's locks.
        public async Task<SearchResult> LookUpAsync(SearchQuery query, CancellationToken cancellationToken)
            => store.Grant is { } grant ? store.Filter(grant, await inner.LookUpAsync(store.Narrow(grant, query), cancellationToken)) : await inner.LookUpAsync(query, cancellationToken);

        public async Task<WriteResult> PutAsync(Resource resource, int? ifMatchVersion, CancellationToken cancellationToken)
        {
            await CheckWriteAsync(resource, cancellationToken);
            return await inner.PutAsync(resource, ifMatchVersion, cancellationToken);
        }

        public async Task<WriteResult> PutAsync(PreparedResource prepared, int? ifMatchVersion, CancellationToken cancellationToken)
        {
            await CheckWriteAsync(prepared.Resource, cancellationToken);
            return await inner.PutAsync(prepared, ifMatchVersion, cancellationToken);
        }

        public async Task<StoredResource?> DeleteAsync(string resourceType, string id, int? ifMatchVersion, CancellationToken cancellationToken)
        {
            if (store.Grant is { } grant && await inner.ReadAsync(resourceType, id, cancellationToken) is { IsDeleted: false } current
                && !store.Compartment.Contains(current, Reach(grant, resourceType, SmartInteractions.Delete)))
            {
                // As if it were not there: nothing to delete.
                return null;
            }

            return await inner.DeleteAsync(resourceType, id, ifMatchVersion, cancellationToken);
        }

        // The outbox holds what this session already wrote (and checked): nothing further to decide.
        public Task EnqueueAsync(PatientVoice.Storage.Outbox.OutboxMessage message, CancellationToken cancellationToken)
            => inner.EnqueueAsync(message, cancellationToken);

        public Task<long> NextInSequenceAsync(string sequence, CancellationToken cancellationToken) => inner.NextInSequenceAsync(sequence, cancellationToken);

        public Task CommitAsync(CancellationToken cancellationToken) => inner.CommitAsync(cancellationToken);

        public ValueTask DisposeAsync() => inner.DisposeAsync();

        private async Task CheckWriteAsync(Resource resource, CancellationToken cancellationToken)
        {
            if (store.Grant is not { } grant)
            {
                return;
            }

            var type = resource.TypeName;
            var reach = Reach(grant, type, WriteAccess);
            if (!string.IsNullOrEmpty(resource.Id) && await inner.ReadAsync(type, resource.Id, cancellationToken) is { IsDeleted: false } current
                && !store.Compartment.Contains(current, reach))
            {
                throw new ResourceNotFoundException($"{type}/{resource.Id} is not known.");
            }

            StaffAttribution.Check(grant, resource);
            if (!store.Compartment.Contains(resource, reach))
            {
                throw new AccessDeniedException(PatientCompartment.ParameterFor(type) is { } parameter
                    ? $"This token may write {type} only for {reach}; the resource's {parameter} names another patient or none."
                    : $"Writing {type} (shared definitions, not patient data) needs system/ or a practitioner's user/ scopes; this token reaches {reach}.");
            }
        }
    }
}
