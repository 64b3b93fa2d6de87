using System.Text.Json;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Caching.Memory;
using PatientVoice.Fhir.Questionnaires;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Search;

namespace PatientVoice.Web.FhirApi.Validation;

/// <summary>Finds a Questionnaire in the store by its canonical (<c>url</c> or <c>url|version</c>); the newest when no version is given.</summary>
public sealed class QuestionnaireLookup(IResourceStore store, SearchQueryParser parser, IMemoryCache cache)
{
    public async Task<Questionnaire?> FindAsync(string canonical, CancellationToken cancellationToken)
    {
        var (url, version) = QuestionnaireCanonical.Parse(canonical);
        List<KeyValuePair<string, string>> criteria = [new("url", url), new("_sort", "-_lastUpdated")];
        if (version is not null)
        {
            criteria.Add(new("version", version));
        }

        var result = await store.SearchAsync(parser.Parse("Questionnaire", criteria, strict: true) with { Count = 1 }, cancellationToken);
        if (result.Matches is not [var stored, ..] || stored.Json is null)
        {
            return null;
        }

        // Parsed once per stored version, not once per response.
        return await cache.GetOrCreateAsync(stored.VersionedReference, entry =>
        {
            entry.Size = 1;
            entry.SlidingExpiration = TimeSpan.FromMinutes(30);
            return System.Threading.Tasks.Task.FromResult(JsonSerializer.Deserialize<Resource>(stored.Json, FhirSerializer.JsonOptions) as Questionnaire);
        });
    }
}
