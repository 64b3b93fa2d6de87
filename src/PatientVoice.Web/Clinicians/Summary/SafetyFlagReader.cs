using Hl7.Fhir.Model;
using static PatientVoice.Web.Clinicians.Summary.SummaryStoreQueries;

namespace PatientVoice.Web.Clinicians.Summary;

/// <summary>Tells which free text of a flagged response carries the words that raised the flag (the patient pages' reviewed term list).</summary>
public delegate bool SafetyTextMatch(string text);

/// <summary>
/// The safety flags raised from what the patient wrote, as the patient pages record them: a <c>meta.tag</c>
/// <c>pv-review-flag#safety-terms</c> on the submitted QuestionnaireResponse, set by the server. Shown first on the
/// summary with the patient's words: the answers the <see cref="SafetyTextMatch"/> picks when one is registered,
/// else every free-text answer of the flagged response (never fewer words than the flag was raised on).
/// </summary>
public sealed class SafetyFlagReader(SummaryStoreQueries queries, IServiceProvider services)
{
    public const string TagSystem = "http://patientvoice.example.org/fhir/CodeSystem/pv-review-flag";
    public const string SafetyTermsCode = "safety-terms";
    private const string DefaultReason = "Free text with words that may need prompt attention";

    internal Task<IReadOnlyList<SafetyFlagView>> ReadAsync(string patient, SubmissionHistory history, Func<QuestionnaireResponse, Authorship> authorshipOf, CancellationToken cancellationToken)
    {
        _ = patient;
        _ = cancellationToken;
        var match = services.GetService<SafetyTextMatch>();
        var flags = new List<SafetyFlagView>();
        foreach (var response in history.Newest().Where(IsFlagged))
        {
            var tag = response.Meta!.Tag.First(t => t.System == TagSystem && t.Code == SafetyTermsCode);
            var texts = FreeText(response).ToList();
            var matching = match is null ? texts : texts.Where(t => match(t)).ToList();
            foreach (var text in matching.Count > 0 ? matching : texts)
            {
                flags.Add(new SafetyFlagView(tag.Display ?? DefaultReason, text, authorshipOf(response)));
            }
        }

        return System.Threading.Tasks.Task.FromResult<IReadOnlyList<SafetyFlagView>>(flags);
    }

    /// <summary>True when a response of the patient submitted since <paramref name="since"/> carries a safety flag (for the clinic list).</summary>
    public async Task<bool> AnyAsync(string patient, DateTimeOffset since, CancellationToken cancellationToken)
    {
        var flagged = await queries.SearchAsync<QuestionnaireResponse>(
            [P("subject", patient), P("_tag", TagSystem + "|" + SafetyTermsCode), P("_sort", "-authored")], 1, cancellationToken);
        return flagged.Any(r => SummaryText.When(r) >= since);
    }

    public static bool IsFlagged(QuestionnaireResponse response) =>
        response.Meta?.Tag.Any(t => t.System == TagSystem && t.Code == SafetyTermsCode) == true;

    private static IEnumerable<string> FreeText(QuestionnaireResponse response) =>
        SummaryText.Items(response.Item).SelectMany(i => i.Answer).Select(a => a.Value).OfType<FhirString>()
            .Select(s => s.Value).OfType<string>().Where(s => !string.IsNullOrWhiteSpace(s));
}
