using PatientVoice.Storage.Search;

namespace PatientVoice.Storage;

/// <summary>
/// The resource store: current versions, every past version, search over index rows filled at write
/// time. Adapters: SQLite (embedded default) and PostgreSQL; both pass the same test suite.
/// </summary>
public interface IResourceStore
{
    /// <summary>Creates the schema if it is missing. Safe to call on every start.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    /// <summary>The current version of a resource (a tombstone if it was deleted), or null if it never existed.</summary>
    Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken);

    /// <summary>One version of a resource, or null if there is no such version.</summary>
    Task<StoredResource?> ReadVersionAsync(string resourceType, string id, int versionId, CancellationToken cancellationToken);

    Task<HistoryPage> HistoryAsync(HistoryQuery query, CancellationToken cancellationToken);

    Task<SearchResult> SearchAsync(SearchQuery query, CancellationToken cancellationToken);

    /// <summary>Computes the search-index rows of <paramref name="resource"/>, outside any transaction.</summary>
    PreparedResource Prepare(Hl7.Fhir.Model.Resource resource);

    /// <summary>
    /// Starts a write transaction. Everything written through the session (resource versions and their
    /// index rows) becomes visible and durable together at <see cref="IResourceWriteSession.CommitAsync"/>,
    /// or not at all.
    /// </summary>
    Task<IResourceWriteSession> BeginWriteAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Starts a write transaction for work no request waits on (the audit trail, the workers' records): as
    /// <see cref="BeginWriteAsync"/>, but a store whose writes share commits (SQLite's group commit) first commits the
    /// writes waiting for one, so that a request's write never waits for background work.
    /// </summary>
    Task<IResourceWriteSession> BeginBackgroundWriteAsync(CancellationToken cancellationToken) => BeginWriteAsync(cancellationToken);
}
