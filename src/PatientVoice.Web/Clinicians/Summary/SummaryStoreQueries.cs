using System.Text.Json;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Search;

namespace PatientVoice.Web.Clinicians.Summary;

/// <summary>Searches PatientVoice's own store and parses what it finds: the one way the clinician side reads FHIR data.</summary>
public sealed class SummaryStoreQueries(IResourceStore store, SearchQueryParser parser)
{
    /// <summary>The current versions matching <paramref name="parameters"/>, parsed, in the search's order.</summary>
    public async Task<IReadOnlyList<T>> SearchAsync<T>(IReadOnlyList<KeyValuePair<string, string>> parameters, int count, CancellationToken cancellationToken)
        where T : Resource
    {
        var type = ModelInfo.GetFhirTypeNameForType(typeof(T)) ?? typeof(T).Name;
        var query = parser.Parse(type, parameters, strict: true) with { Count = Math.Min(count, SearchQuery.MaxCount), Total = TotalMode.None };
        var result = await store.SearchAsync(query, cancellationToken);
        return result.Matches.Select(Parse).OfType<T>().ToList();
    }

    /// <summary>
    /// Pages through the matches (newest first when the parameters sort so) until <paramref name="enough"/> says the
    /// ones read so far suffice, or <paramref name="max"/> were read: a long history is not parsed when its first page answers.
    /// </summary>
    public async Task<IReadOnlyList<T>> SearchUntilAsync<T>(IReadOnlyList<KeyValuePair<string, string>> parameters, int pageSize, int max, Func<IReadOnlyList<T>, bool> enough, CancellationToken cancellationToken)
        where T : Resource
    {
        var type = ModelInfo.GetFhirTypeNameForType(typeof(T)) ?? typeof(T).Name;
        var query = parser.Parse(type, parameters, strict: true) with { Count = Math.Min(pageSize, SearchQuery.MaxCount), Total = TotalMode.None };
        var found = new List<T>();
        while (true)
        {
            var result = await store.SearchAsync(query, cancellationToken);
            found.AddRange(result.Matches.Select(Parse).OfType<T>());
            if (result.NextCursor is null || found.Count >= max || enough(found))
            {
                return found;
            }

            query = query with { Cursor = result.NextCursor };
        }
    }

    /// <summary>Every version of one resource, oldest first (deleted versions left out).</summary>
    public async Task<IReadOnlyList<T>> HistoryAsync<T>(string id, CancellationToken cancellationToken)
        where T : Resource
    {
        var type = ModelInfo.GetFhirTypeNameForType(typeof(T)) ?? typeof(T).Name;
        var page = await store.HistoryAsync(new HistoryQuery(type, id, null, null, 100, null), cancellationToken);
        return page.Entries.Reverse().Select(Parse).OfType<T>().ToList();
    }

    public async Task<T?> ReadAsync<T>(string id, CancellationToken cancellationToken)
        where T : Resource
    {
        var type = ModelInfo.GetFhirTypeNameForType(typeof(T)) ?? typeof(T).Name;
        return await store.ReadAsync(type, id, cancellationToken) is { } stored ? Parse(stored) as T : null;
    }

    public static KeyValuePair<string, string> P(string name, string value) => new(name, value);

    private static Resource? Parse(StoredResource stored) =>
        stored is { IsDeleted: false, Json: { } json } ? JsonSerializer.Deserialize<Resource>(json, FhirSerializer.JsonOptions) : null;
}
