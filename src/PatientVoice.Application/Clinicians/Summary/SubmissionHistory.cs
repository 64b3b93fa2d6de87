using Hl7.Fhir.Model;
using PatientVoice.Fhir.Questionnaires.Extract;

namespace PatientVoice.Application.Clinicians.Summary;

/// <summary>A patient's completed responses, newest first, grouped by form: the newest is "now", the one before is what changes are measured against.</summary>
internal sealed class SubmissionHistory
{
    private readonly Dictionary<string, List<QuestionnaireResponse>> _byForm;
    private readonly Dictionary<string, QuestionnaireResponse> _byId;

    public SubmissionHistory(IReadOnlyList<QuestionnaireResponse> newestFirst)
    {
        _byForm = newestFirst
            .GroupBy(r => Forms.Normalise(SummaryText.FormOf(r)), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.OrderByDescending(SummaryText.When).ToList(), StringComparer.Ordinal);
        _byId = newestFirst.Where(r => r.Id is not null).GroupBy(r => r.Id!).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
    }

    public QuestionnaireResponse? Latest(string form) => _byForm.TryGetValue(form, out var list) ? list[0] : null;

    public QuestionnaireResponse? Previous(string form) => _byForm.TryGetValue(form, out var list) && list.Count > 1 ? list[1] : null;

    /// <summary>The newest response of every form.</summary>
    public IEnumerable<QuestionnaireResponse> Newest() => _byForm.Values.Select(l => l[0]).OrderByDescending(SummaryText.When);

    /// <summary>The newest and previous response of every form: the ones the summary shows or compares.</summary>
    public IEnumerable<QuestionnaireResponse> LatestAndPrevious() => _byForm.Values.SelectMany(l => l.Take(2));

    public QuestionnaireResponse? ById(string? id) => id is not null && _byId.TryGetValue(id, out var r) ? r : null;

    /// <summary>The response a resource was extracted from, by its extracted identifier (<c>{responseId}/…</c>, docs/adr/0006).</summary>
    public QuestionnaireResponse? ByExtractedIdentifier(Resource resource) => ById(SourceResponseId(resource));

    public static string? SourceResponseId(Resource resource) =>
        ExtractedIdentifiers.ValueOf(resource) is { } value && value.IndexOf('/', StringComparison.Ordinal) is var slash and > 0 ? value[..slash] : null;
}
