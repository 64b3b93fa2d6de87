using PatientVoice.Fhir.Conformance;
using PatientVoice.Application.ReadModels;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Questionnaires;
using PatientVoice.Application.Validation;

namespace PatientVoice.Web.Patients;

/// <summary>A questionnaire the patient can fill in, with roughly how long it takes.</summary>
public sealed record PatientQuestionnaire(Questionnaire Questionnaire, int Minutes)
{
    public string Id => Questionnaire.Id ?? "";

    /// <summary><c>url|version</c>, what a response's <c>questionnaire</c> names.</summary>
    public string Canonical => Questionnaire.Version is { Length: > 0 } v ? $"{Questionnaire.Url}|{v}" : Questionnaire.Url ?? "";
}

/// <summary>
/// The questionnaires offered to patients: ours first, in the order a visit needs them, then any other active
/// Questionnaire an integrator stored (LHC-Forms renders SDC questionnaires in general).
/// </summary>
public sealed class PatientQuestionnaires(RecordReader records, QuestionnaireLookup lookup)
{
    private static readonly string[] OurOrder = ["before-your-visit", "my-goals", "my-care-preferences", "what-i-know-about-my-condition"];

    public const string Base = "http://patientvoice.example.org/fhir/Questionnaire/";

    public async Task<IReadOnlyList<PatientQuestionnaire>> ListAsync(CancellationToken cancellationToken)
    {
        var found = await records.SearchStoredAsync<Questionnaire>([new("status", "active"), RecordReader.NewestFirst], RecordReader.DefaultCount, cancellationToken);
        // One entry per url: the highest version (then the newest written), whatever order the versions were stored in.
        return found.Select(f => f.Resource)
            .GroupBy(q => q.Url ?? q.Id, StringComparer.Ordinal)
            .Select(g => g.OrderByDescending(q => q.Version, QuestionnaireVersionOrder.Instance).First())
            .OrderBy(q => Array.IndexOf(OurOrder, q.Id) is var i && i >= 0 ? i : OurOrder.Length)
            .ThenBy(q => q.Title ?? q.Name ?? q.Id, StringComparer.OrdinalIgnoreCase)
            .Select(q => new PatientQuestionnaire(q, EstimateMinutes(q)))
            .ToList();
    }

    /// <summary>
    /// The questionnaire with this id in the store, or else one of ours by the last segment of its canonical URL
    /// (<c>my-goals</c>: links and launches name ours that way whatever id the store gave them); null when neither.
    /// </summary>
    public async Task<PatientQuestionnaire?> FindAsync(string id, CancellationToken cancellationToken)
    {
        if (await records.ReadStoredAsync<Questionnaire>(id, cancellationToken) is { Resource: var q })
        {
            return new PatientQuestionnaire(q, EstimateMinutes(q));
        }

        return (await ListAsync(cancellationToken)).FirstOrDefault(p => p.Questionnaire.Url == Base + id);
    }

    /// <summary>The questionnaire a response names (<c>url|version</c>), or null.</summary>
    public async Task<PatientQuestionnaire?> ForResponseAsync(QuestionnaireResponse response, CancellationToken cancellationToken)
        => await lookup.FindAsync(response.Questionnaire ?? "", cancellationToken) is { } q ? new PatientQuestionnaire(q, EstimateMinutes(q)) : null;

    /// <summary>The canonical URL without its version.</summary>
    public static string UrlOf(string? canonical) => QuestionnaireCanonical.Parse(canonical ?? "").Url;

    // About 20 s for a question answered in one's own words (most are skipped or short), 10 s for a choice or a short field; at least a minute.
    // A repeating group counts once (the estimate is for one goal or one condition). The one estimate a patient sees, on
    // the home page and on the form: our questionnaires' own texts name no minutes (version 0.2.0).
    private static int EstimateMinutes(Questionnaire questionnaire)
    {
        var seconds = Items(questionnaire.Item).Sum(i => i.Type == Questionnaire.QuestionnaireItemType.Text ? 20 : 10);
        return Math.Max(1, (int)Math.Round(seconds / 60.0, MidpointRounding.AwayFromZero));
    }

    private static IEnumerable<Questionnaire.ItemComponent> Items(IEnumerable<Questionnaire.ItemComponent> items)
        => items.SelectMany(i => i.Type switch
        {
            Questionnaire.QuestionnaireItemType.Display => [],
            Questionnaire.QuestionnaireItemType.Group => Items(i.Item),
            _ => [i],
        });
}
