using PatientVoice.Application.Interactions;
using Hl7.Fhir.Model;
using PatientVoice.Application.Write;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Search;

namespace PatientVoice.Web.Patients;

/// <summary>
/// What the patient pages read from PatientVoice's own store (searches parsed as the FHIR API parses them), and their
/// writes, through the same use case as every other door (<see cref="ResourceWrites"/>).
/// </summary>
public sealed class PatientStore(IResourceStore store, SearchQueryParser parser, ResourceWrites writes)
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
    public async Task<StoredResource> CreateAsync(Resource resource, CancellationToken cancellationToken)
        => (await writes.CreateAsync(resource, null, cancellationToken)).Stored;

    /// <summary>Updates (or creates with its id) <paramref name="resource"/>; 412 when <paramref name="ifMatch"/> is not the current version.</summary>
    public async Task<StoredResource> UpdateAsync(Resource resource, int? ifMatch, CancellationToken cancellationToken)
        => (await writes.UpdateAsync(resource.TypeName, resource.Id ?? string.Empty, resource, ifMatch, cancellationToken)).Stored;

    /// <summary>A change made on a page, recorded with who made it (<see cref="ResourceWrites.WriteRecordedAsync"/>).</summary>
    public async Task<StoredResource> WriteRecordedAsync(Resource resource, int? ifMatch, PatientContext recordedBy, CancellationToken cancellationToken)
        => (await writes.WriteRecordedAsync(resource, ifMatch, recordedBy.Actor, cancellationToken)).Stored;

    public static T Parse<T>(string json) where T : Resource => FhirSerializer.Parse<T>(json);

    private static string ModelInfoTypeName<T>() where T : Resource => typeof(T).Name;
}
