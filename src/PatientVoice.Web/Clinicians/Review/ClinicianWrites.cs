using Hl7.Fhir.Model;
using PatientVoice.Storage;
using PatientVoice.Web.FhirApi.Write;

namespace PatientVoice.Web.Clinicians.Review;

/// <summary>
/// What clinicians record goes through the same write path as the FHIR API: validated, indexed and stored in one
/// transaction (with whatever the store adds to every write, such as EHR write-back rows).
/// </summary>
public sealed class ClinicianWrites(IResourceStore store, ResourceWriter writer)
{
    /// <summary>Creates <paramref name="resource"/> unless one already matches <paramref name="ifNoneExist"/> (then returns that one).</summary>
    public async Task<WriteOutcome> CreateAsync(Resource resource, string ifNoneExist, CancellationToken cancellationToken)
    {
        var prepared = await writer.PrepareAsync(resource, cancellationToken);
        await using var session = await store.BeginWriteAsync(cancellationToken);
        var outcome = await writer.CreateAsync(session, prepared, ifNoneExist, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return outcome;
    }

    /// <summary>Updates the one resource matching <paramref name="criteria"/>, or creates it (a new version either way).</summary>
    public async Task<WriteOutcome> ConditionalUpdateAsync(Resource resource, IReadOnlyList<KeyValuePair<string, string>> criteria, CancellationToken cancellationToken)
    {
        var prepared = await writer.PrepareAsync(resource, cancellationToken);
        await using var session = await store.BeginWriteAsync(cancellationToken);
        var outcome = await writer.ConditionalUpdateAsync(session, resource.TypeName, criteria, prepared, null, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return outcome;
    }

    /// <summary>Updates <paramref name="resource"/> if it is still at <paramref name="ifMatch"/> (else 412: someone changed it meanwhile).</summary>
    public async Task<WriteOutcome> UpdateAsync(Resource resource, int ifMatch, CancellationToken cancellationToken)
    {
        var prepared = await writer.PrepareAsync(resource, cancellationToken);
        await using var session = await store.BeginWriteAsync(cancellationToken);
        var outcome = await writer.UpdateAsync(session, resource.TypeName, resource.Id ?? string.Empty, prepared, ifMatch, cancellationToken);
        await session.CommitAsync(cancellationToken);
        return outcome;
    }
}
