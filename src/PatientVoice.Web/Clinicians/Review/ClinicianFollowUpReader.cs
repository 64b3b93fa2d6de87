using Hl7.Fhir.Model;
using PatientVoice.Web.Clinicians.Summary;
using static PatientVoice.Web.Clinicians.Summary.SummaryStoreQueries;

namespace PatientVoice.Web.Clinicians.Review;

/// <summary>What the patient is told back after the visit: whether a clinician has read what they shared, and what became of each topic on their agenda.</summary>
/// <param name="ReadBy">Acknowledgements, newest first ("your clinician has read this" when <see cref="ReadSinceLastSubmission"/>).</param>
/// <param name="Agenda">The newest agenda's topics in the patient's order with the outcome recorded for each (null when none yet).</param>
public sealed record ClinicianFollowUp(
    DateTimeOffset? LastSubmitted,
    IReadOnlyList<ReadAcknowledgement> ReadBy,
    IReadOnlyList<AgendaItemView> Agenda)
{
    /// <summary>True when a clinician acknowledged after the patient's newest submission.</summary>
    public bool ReadSinceLastSubmission => ReadBy.Count > 0 && LastSubmitted is { } last && ReadBy[0].When >= last;

    /// <summary>The sentence the patient pages show.</summary>
    public string? ReadMessage => ReadSinceLastSubmission ? "Your clinician has read this." : null;
}

/// <summary>
/// For the patient pages: <see cref="ForPatientAsync"/> answers "has my clinician read this?" and "what happened to
/// what I wanted to talk about?" for the patient in the session (never another patient: the caller passes the
/// session's <c>PatientReference</c>).
/// </summary>
public sealed class ClinicianFollowUpReader(SummaryStoreQueries queries, ReadAcknowledgements acknowledgements, AgendaOutcomeRecorder outcomes)
{
    public async Task<ClinicianFollowUp> ForPatientAsync(string patient, CancellationToken cancellationToken)
    {
        var newest = await queries.SearchAsync<QuestionnaireResponse>(
            [P("subject", patient), P("status", "completed,amended"), P("_sort", "-authored")], 1, cancellationToken);
        var readBy = await acknowledgements.ForPatientAsync(patient, cancellationToken);
        var lists = await queries.SearchAsync<List>(
            [P("subject", patient), P("code", Forms.ListKinds + "|visit-agenda"), P("_sort", "-date")], 1, cancellationToken);
        IReadOnlyList<AgendaItemView> agenda = [];
        if (lists is [var list, ..])
        {
            var tasks = await outcomes.ForListAsync(list.Id!, cancellationToken);
            agenda = list.Entry
                .Select((entry, index) => (Rank: index + 1, Text: entry.Item?.Display ?? string.Empty))
                .Where(e => e.Text.Length > 0)
                .Select(e => new AgendaItemView(e.Rank, e.Text, AgendaOutcomeRecorder.Find(tasks, e.Rank, e.Text)))
                .ToList();
        }

        return new ClinicianFollowUp(newest.Select(SummaryText.When).FirstOrDefault(), readBy, agenda);
    }
}
