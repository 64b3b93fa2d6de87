using System.Collections.Concurrent;
using PatientVoice.Fhir.Conformance;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Caching.Memory;
using PatientVoice.Fhir.Questionnaires;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Search;

namespace PatientVoice.Application.Validation;

/// <summary>
/// Finds a Questionnaire in the store by its canonical as SDC resolves one: <c>url|version</c> names that version;
/// a bare <c>url</c> the only stored version, or the newest (by version number, then the most recently written).
/// </summary>
public sealed class QuestionnaireLookup(IResourceStore store, SearchQueryParser parser, IMemoryCache cache)
{
    // Versions of one questionnaire considered for a bare url: more than any form will have.
    private const int Versions = 100;

    // The answers already given inside the current unit of work (Remembering), by canonical; null outside one.
    private readonly AsyncLocal<ConcurrentDictionary<string, Task<Questionnaire?>>?> _remembered = new();

    /// <summary>
    /// Until the result is disposed, the same canonical finds the same Questionnaire in this asynchronous flow (and the
    /// tasks it starts) without asking the store again: one submission looks its questionnaire up to extract and again to
    /// validate the response, and both must use the same one. Nesting keeps the outer scope's answers.
    /// </summary>
    public IDisposable Remembering()
    {
        if (_remembered.Value is not null)
        {
            return NoScope.Instance;
        }

        _remembered.Value = new ConcurrentDictionary<string, Task<Questionnaire?>>(StringComparer.Ordinal);
        return new Scope(_remembered);
    }

    public Task<Questionnaire?> FindAsync(string canonical, CancellationToken cancellationToken)
        => _remembered.Value is { } remembered
            ? remembered.GetOrAdd(canonical, c => FindInStoreAsync(c, cancellationToken))
            : FindInStoreAsync(canonical, cancellationToken);

    private async Task<Questionnaire?> FindInStoreAsync(string canonical, CancellationToken cancellationToken)
    {
        var (url, version) = QuestionnaireCanonical.Parse(canonical);
        List<KeyValuePair<string, string>> criteria = [new("url", url), new("_sort", "-_lastUpdated")];
        if (version is not null)
        {
            criteria.Add(new("version", version));
        }

        // The matches are all it needs: no total (a full first page would otherwise cost a COUNT over the same criteria).
        var query = parser.Parse("Questionnaire", criteria, strict: true) with { Count = version is null ? Versions : 1, Total = TotalMode.None };
        var result = await store.SearchAsync(query, cancellationToken);
        var candidates = new List<Questionnaire>(result.Matches.Count);
        foreach (var stored in result.Matches.Where(m => m.Json is not null))
        {
            candidates.Add(await ParsedAsync(stored));
        }

        // Stable: among equal versions the store's newest-written-first order stands.
        return candidates.OrderByDescending(q => q.Version, QuestionnaireVersionOrder.Instance).FirstOrDefault();
    }

    private sealed class Scope(AsyncLocal<ConcurrentDictionary<string, Task<Questionnaire?>>?> remembered) : IDisposable
    {
        public void Dispose() => remembered.Value = null;
    }

    private sealed class NoScope : IDisposable
    {
        public static NoScope Instance { get; } = new();

        public void Dispose()
        {
        }
    }

    // Parsed once per stored version, not once per response.
    private async Task<Questionnaire> ParsedAsync(StoredResource stored) => (await cache.GetOrCreateAsync(stored.VersionedReference, entry =>
    {
        entry.Size = 1;
        entry.SlidingExpiration = TimeSpan.FromMinutes(30);
        return System.Threading.Tasks.Task.FromResult(FhirSerializer.Parse<Questionnaire>(stored.Json!));
    }))!;
}
