using Hl7.Fhir.Model;
using PatientVoice.Storage;

namespace PatientVoice.Application.Write;

/// <summary>
/// Told of every version <see cref="ResourceWriter"/> writes, inside the write's own transaction, whatever the door
/// (single-resource interactions, batch and transaction entries, submissions, changes made on a page): what it adds
/// through the session (an outbox message) commits or rolls back with the write. Nothing is told of a write that
/// changed nothing (a conditional create that found its match, a body unchanged as stored).
/// </summary>
public interface IWriteObserver
{
    /// <summary>Whether versions of this type interest the observer (the writer then also reads the version replaced).</summary>
    bool Observes(string resourceType);

    /// <param name="previous">The version replaced (null when the write created the resource).</param>
    /// <param name="written">The version now current.</param>
    /// <param name="resource">The resource as written (its id and meta set by the store).</param>
    System.Threading.Tasks.Task OnWrittenAsync(IResourceWriteSession session, StoredResource? previous, StoredResource written, Resource resource, CancellationToken cancellationToken);
}
