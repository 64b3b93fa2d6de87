using Resource = Hl7.Fhir.Model.Resource;
using PatientVoice.Storage.Search;

namespace PatientVoice.Storage;

/// <summary>
/// One database transaction. Reads and searches inside it see its own writes and are isolated from
/// concurrent writers, so conditional interactions (If-None-Exist, conditional update, If-Match) decide
/// and write atomically. Disposing without committing rolls back.
/// </summary>
public interface IResourceWriteSession : IAsyncDisposable
{
    Task<StoredResource?> ReadAsync(string resourceType, string id, CancellationToken cancellationToken);

    /// <summary>
    /// Runs a search inside the transaction for a conditional interaction (create, update and delete decide on it): on a
    /// store shared by several instances it takes the store-wide lock that makes conditional interactions decide one at a
    /// time (docs/adr/0016-postgresql-store.md).
    /// </summary>
    Task<SearchResult> SearchAsync(SearchQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// As <see cref="SearchAsync(SearchQuery, CancellationToken)"/>, for a conditional interaction whose criteria only
    /// resources written under <paramref name="scope"/> can match: a submission's extracted entries, whose identifiers
    /// derive from the response's id (scope <c>QuestionnaireResponse/{id}</c>). Such searches of different scopes need not
    /// decide one at a time; of the same scope they do, and against every other conditional interaction they still do
    /// (docs/adr/0016-postgresql-store.md, amendment of 2026-12-07). A store may treat it as a plain conditional search.
    /// </summary>
    Task<SearchResult> SearchAsync(SearchQuery query, string scope, CancellationToken cancellationToken) => SearchAsync(query, cancellationToken);

    /// <summary>
    /// Runs a search inside the transaction that decides no write (which subscriptions are active, say): it sees the
    /// transaction's own writes and what others committed, as <see cref="SearchAsync"/> does, but takes none of its
    /// locks, so writes that only look something up never wait for each other or for a conditional interaction.
    /// </summary>
    Task<SearchResult> LookUpAsync(SearchQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="resource"/> as a new version. Without an id, a new id is assigned and the
    /// resource is created. With an id, the resource is updated, or created with that id (update as create).
    /// <paramref name="ifMatchVersion"/>, when given, must be the current version, else 412.
    /// Sets <c>id</c>, <c>meta.versionId</c> and <c>meta.lastUpdated</c> on <paramref name="resource"/>.
    /// </summary>
    Task<WriteResult> PutAsync(Resource resource, int? ifMatchVersion, CancellationToken cancellationToken);

    /// <summary>As <see cref="PutAsync(Resource, int?, CancellationToken)"/>, with the index rows computed beforehand by <see cref="IResourceStore.Prepare"/>.</summary>
    Task<WriteResult> PutAsync(PreparedResource prepared, int? ifMatchVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Adds a tombstone version. Returns null when there was nothing to delete (unknown or already deleted).
    /// </summary>
    Task<StoredResource?> DeleteAsync(string resourceType, string id, int? ifMatchVersion, CancellationToken cancellationToken);

    /// <summary>
    /// Adds <paramref name="message"/> to the store's outbox (<see cref="Outbox.IOutbox"/>) in this transaction: it
    /// exists if and only if the session commits. A message whose topic and key are already there is ignored.
    /// </summary>
    Task EnqueueAsync(Outbox.OutboxMessage message, CancellationToken cancellationToken);

    /// <summary>
    /// Adds one to the counter <paramref name="sequence"/> (starting from 0) in this transaction and returns the new value:
    /// numbers given by committed transactions are consecutive, never reused, and concurrent transactions asking for the
    /// same counter wait for each other (a subscription's event numbers, <see cref="Outbox.IOutbox.ReadSequenceAsync"/>).
    /// </summary>
    Task<long> NextInSequenceAsync(string sequence, CancellationToken cancellationToken);

    Task CommitAsync(CancellationToken cancellationToken);
}
