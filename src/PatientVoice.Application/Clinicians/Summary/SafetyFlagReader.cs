using PatientVoice.Application.ReadModels;
using Hl7.Fhir.Model;
using PatientVoice.Application.Submit;
using static PatientVoice.Application.ReadModels.RecordReader;

namespace PatientVoice.Application.Clinicians.Summary;

/// <summary>
/// The safety flags raised from what the patient wrote: the <see cref="ReviewFlag"/> tag the server sets on a submitted
/// QuestionnaireResponse (whatever the door). Shown first on the summary with the patient's words: the answers that
/// carry one of the reviewed <see cref="SafetyTerms"/>, else every free-text answer of the flagged response (never fewer
/// words than the flag was raised on, e.g. when the term list changed since).
/// </summary>
public sealed class SafetyFlagReader(RecordReader queries, SafetyTerms terms)
{
    private const string DefaultReason = "Free text with words that may need prompt attention";

    internal Task<IReadOnlyList<SafetyFlagView>> ReadAsync(string patient, SubmissionHistory history, Func<QuestionnaireResponse, Authorship> authorshipOf, CancellationToken cancellationToken)
    {
        _ = patient;
        _ = cancellationToken;
        var flags = new List<SafetyFlagView>();
        foreach (var response in history.Newest().Where(ReviewFlag.IsFlagged))
        {
            var tag = response.Meta!.Tag.First(t => t.System == ReviewFlag.System && t.Code == ReviewFlag.SafetyTerms);
            var texts = FreeText(response).ToList();
            var matching = texts.Where(terms.Matches).ToList();
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
            [P("subject", patient), P("_tag", ReviewFlag.System + "|" + ReviewFlag.SafetyTerms), P("_sort", "-authored")], 1, cancellationToken);
        return flagged.Any(r => SummaryText.When(r) >= since);
    }

    private static IEnumerable<string> FreeText(QuestionnaireResponse response) =>
        SummaryText.Items(response.Item).SelectMany(i => i.Answer).Select(a => a.Value).OfType<FhirString>()
            .Select(s => s.Value).OfType<string>().Where(s => !string.IsNullOrWhiteSpace(s));
}
