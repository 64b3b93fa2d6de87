using System.Text.Json;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Search;
using PatientVoice.Web.EhrSync;
using PatientVoice.Web.FhirApi.Write;

namespace PatientVoice.Web.Patients;

/// <summary>
/// What the patient pages read from and write to PatientVoice's own store: searches parsed as the FHIR API parses
/// them, and writes through the same <see cref="ResourceWriter"/> (validated, versioned, one transaction each).
/// </summary>
public sealed class PatientStore(IResourceStore store, SearchQueryParser parser, ResourceWriter writer, EhrSyncEnqueuer ehrSync, TimeProvider time)
{
    /// <summary>The current versions that match, parsed; newest first unless <paramref name="criteria"/> sort otherwise.</summary>
    public async Task<IReadOnlyList<(T Resource, StoredResource Stored)>> SearchAsync<T>(IReadOnlyList<KeyValuePair<string, string>> criteria, CancellationToken cancellationToken, int count = 200)
        where T : Resource
    {
        var type = ModelInfoTypeName<T>();
        List<KeyValuePair<string, string>> all = [.. criteria];
        if (!all.Any(c => c.Key == "_sort"))
        {
            all.Add(new("_sort", "-_lastUpdated"));
        }

        var result = await store.SearchAsync(parser.Parse(type, all, strict: true) with { Count = count }, cancellationToken);
        return result.Matches
            .Where(m => m.ResourceType == type && m.Json is not null)
            .Select(m => (Parse<T>(m.Json!), m))
            .ToList();
    }

    /// <summary>The current version of <paramref name="type"/>/<paramref name="id"/>, or null when missing or deleted.</summary>
    public async Task<(T Resource, StoredResource Stored)?> ReadAsync<T>(string id, CancellationToken cancellationToken)
        where T : Resource
    {
        var stored = await store.ReadAsync(ModelInfoTypeName<T>(), id, cancellationToken);
        return stored is { IsDeleted: false, Json: { } json } ? (Parse<T>(json), stored) : null;
    }

    /// <summary>Every version of one resource, newest first (deleted versions left out).</summary>
    public async Task<IReadOnlyList<(T Resource, StoredResource Stored)>> HistoryAsync<T>(string id, CancellationToken cancellationToken)
        where T : Resource
    {
        var page = await store.HistoryAsync(new HistoryQuery(ModelInfoTypeName<T>(), id, null, null, 100, null), cancellationToken);
        return page.Entries.Where(e => e.Json is not null).Select(e => (Parse<T>(e.Json!), e)).ToList();
    }

    /// <summary>Creates <paramref name="resource"/> (validated like any write to the FHIR API).</summary>
    public Task<StoredResource> CreateAsync(Resource resource, CancellationToken cancellationToken)
        => WriteAsync(resource, create: true, ifMatch: null, recordedBy: null, cancellationToken);

    /// <summary>Updates (or creates with its id) <paramref name="resource"/>; 412 when <paramref name="ifMatch"/> is not the current version.</summary>
    public Task<StoredResource> UpdateAsync(Resource resource, int? ifMatch, CancellationToken cancellationToken)
        => WriteAsync(resource, create: false, ifMatch, recordedBy: null, cancellationToken);

    /// <summary>
    /// Creates (<paramref name="ifMatch"/> null and no id) or updates <paramref name="resource"/> and, in the same
    /// transaction, a Provenance naming who made this version: the signed-in person, and the patient they act for when
    /// that is a family member. A change made on a page (not through a questionnaire) still says who made it, and goes to
    /// the EHR like a submission (its outbox message in the same transaction, when write-back is on).
    /// </summary>
    public Task<StoredResource> WriteRecordedAsync(Resource resource, int? ifMatch, PatientContext recordedBy, CancellationToken cancellationToken)
        => WriteAsync(resource, create: resource.Id is null, ifMatch, recordedBy, cancellationToken);

    private async Task<StoredResource> WriteAsync(Resource resource, bool create, int? ifMatch, PatientContext? recordedBy, CancellationToken cancellationToken)
    {
        var prepared = await writer.PrepareAsync(resource, cancellationToken);
        await using var session = await store.BeginWriteAsync(cancellationToken);
        var outcome = create
            ? await writer.CreateAsync(session, prepared, null, cancellationToken, assignedId: Guid.CreateVersion7().ToString("N"))
            : await writer.UpdateAsync(session, resource.TypeName, resource.Id ?? "", prepared, ifMatch, cancellationToken);
        if (recordedBy is not null)
        {
            var provenance = await writer.PrepareAsync(PageChangeProvenance.Create(outcome.Stored, create, recordedBy, time.GetUtcNow()), cancellationToken);
            var recorded = await writer.CreateAsync(session, provenance, null, cancellationToken, assignedId: Guid.CreateVersion7().ToString("N"));
            await ehrSync.EnqueueChangeAsync(session, outcome.Stored, recorded.Stored, recordedBy.PatientReference, cancellationToken);
        }

        await session.CommitAsync(cancellationToken);
        if (recordedBy is not null)
        {
            ehrSync.NotifyCommitted();
        }
        return outcome.Stored;
    }

    public static T Parse<T>(string json) where T : Resource
        => JsonSerializer.Deserialize<Resource>(json, FhirSerializer.JsonOptions) as T
           ?? throw new InvalidOperationException($"The stored resource is not a {typeof(T).Name}.");

    private static string ModelInfoTypeName<T>() where T : Resource => typeof(T).Name;
}
