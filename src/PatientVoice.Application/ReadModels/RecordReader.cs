using Hl7.Fhir.Model;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Search;

namespace PatientVoice.Application.ReadModels;

/// <summary>
/// The one typed reader of PatientVoice's own store for the pages and the clinician summary: searches parsed as the
/// FHIR API parses them (strict), the current version of one resource, and a resource's history. A search is in the order
/// its parameters ask (<c>_sort</c>), else the store's (the order written, ties never reordered between two reads); a
/// history is newest first, as <c>_history</c> answers; deleted versions are left out.
/// </summary>
public sealed class RecordReader(IResourceStore store, SearchQueryParser parser)
{
    /// <summary>Most resources one search returns when the caller does not say.</summary>
    public const int DefaultCount = 200;

    /// <summary>The current versions matching <paramref name="parameters"/>, parsed, in the search's order.</summary>
    public async Task<IReadOnlyList<T>> SearchAsync<T>(IReadOnlyList<KeyValuePair<string, string>> parameters, int count, CancellationToken cancellationToken)
        where T : Resource
        => [.. (await SearchStoredAsync<T>(parameters, count, cancellationToken)).Select(m => m.Resource)];

    /// <summary>As <see cref="SearchAsync{T}"/>, with what the store says of each match (id, version, when).</summary>
    public async Task<IReadOnlyList<(T Resource, StoredResource Stored)>> SearchStoredAsync<T>(IReadOnlyList<KeyValuePair<string, string>> parameters, int count, CancellationToken cancellationToken)
        where T : Resource
    {
        var result = await store.SearchAsync(Query<T>(parameters, count), cancellationToken);
        return Parse<T>(result.Matches);
    }

    /// <summary>
    /// Pages through the matches until <paramref name="enough"/> says the ones read so far suffice, or <paramref name="max"/>
    /// were read: a long history is not parsed when its first page answers.
    /// </summary>
    public async Task<IReadOnlyList<T>> SearchUntilAsync<T>(IReadOnlyList<KeyValuePair<string, string>> parameters, int pageSize, int max, Func<IReadOnlyList<T>, bool> enough, CancellationToken cancellationToken)
        where T : Resource
    {
        ArgumentNullException.ThrowIfNull(enough);
        var query = Query<T>(parameters, pageSize);
        var found = new List<T>();
        while (true)
        {
            var result = await store.SearchAsync(query, cancellationToken);
            found.AddRange(Parse<T>(result.Matches).Select(m => m.Resource));
            if (result.NextCursor is null || found.Count >= max || enough(found))
            {
                return found;
            }

            query = query with { Cursor = result.NextCursor };
        }
    }

    /// <summary>The current version of <typeparamref name="T"/>/<paramref name="id"/>, or null when missing or deleted.</summary>
    public async Task<T?> ReadAsync<T>(string id, CancellationToken cancellationToken)
        where T : Resource
        => await ReadStoredAsync<T>(id, cancellationToken) is { } found ? found.Resource : null;

    /// <summary>As <see cref="ReadAsync{T}"/>, with what the store says of it.</summary>
    public async Task<(T Resource, StoredResource Stored)?> ReadStoredAsync<T>(string id, CancellationToken cancellationToken)
        where T : Resource
    {
        var stored = await store.ReadAsync(TypeName<T>(), id, cancellationToken);
        return stored is { IsDeleted: false, Json: { } json } && FhirSerializer.Parse<Resource>(json) is T resource ? (resource, stored) : null;
    }

    /// <summary>Every version of one resource, newest first (the first 100; deleted versions left out).</summary>
    public async Task<IReadOnlyList<(T Resource, StoredResource Stored)>> HistoryAsync<T>(string id, CancellationToken cancellationToken)
        where T : Resource
    {
        var page = await store.HistoryAsync(new HistoryQuery(TypeName<T>(), id, null, null, 100, null), cancellationToken);
        return Parse<T>(page.Entries);
    }

    /// <summary>Newest first: what the patient pages list by (add it to a search's parameters).</summary>
    public static readonly KeyValuePair<string, string> NewestFirst = new("_sort", "-_lastUpdated");

    /// <summary>A search parameter, for short.</summary>
    public static KeyValuePair<string, string> P(string name, string value) => new(name, value);

    private SearchQuery Query<T>(IReadOnlyList<KeyValuePair<string, string>> parameters, int count)
        where T : Resource
    {
        return parser.Parse(TypeName<T>(), parameters, strict: true) with { Count = Math.Min(count, SearchQuery.MaxCount), Total = TotalMode.None };
    }

    private static List<(T Resource, StoredResource Stored)> Parse<T>(IEnumerable<StoredResource> found)
        where T : Resource
        => [.. found
            .Where(s => s is { IsDeleted: false, Json: not null } && s.ResourceType == TypeName<T>())
            .Select(s => (FhirSerializer.Parse<Resource>(s.Json!), s))
            .Where(p => p.Item1 is T)
            .Select(p => ((T)p.Item1, p.s))];

    private static string TypeName<T>() where T : Resource => ModelInfo.GetFhirTypeNameForType(typeof(T)) ?? typeof(T).Name;
}
