using PatientVoice.Application.ReadModels;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Questionnaires.Extract;
using PatientVoice.Application.Clinicians.Summary;
using static PatientVoice.Application.ReadModels.RecordReader;

namespace PatientVoice.Application.Clinicians.Review;

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
public sealed class ClinicianFollowUpReader(RecordReader queries, ReadAcknowledgements acknowledgements, AgendaOutcomeRecorder outcomes)
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

    /// <summary>
    /// For the patient's home page, per submission (the patient's own, as the caller found them in the session's
    /// compartment): which acknowledgement says it was read, and what became of the topics of the agenda extracted
    /// from it (docs/adr/0010, 0011).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, SubmissionFollowUp>> ForSubmissionsAsync(string patient, IReadOnlyList<SharedSubmission> submissions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(submissions);
        var result = new Dictionary<string, SubmissionFollowUp>(StringComparer.Ordinal);
        if (submissions.Count == 0)
        {
            return result;
        }

        var readBy = await acknowledgements.ForPatientAsync(patient, cancellationToken);
        var lists = await queries.SearchAsync<List>(
            [P("subject", patient), P("code", Forms.ListKinds + "|visit-agenda"), P("_sort", "-date")], 200, cancellationToken);
        foreach (var submission in submissions)
        {
            IReadOnlyList<AgendaItemView> agenda = [];
            // The agenda extracted from this response (its identifier starts with the response id), newest first.
            if (lists.FirstOrDefault(l => l.Subject?.Reference == patient && l.Identifier.Any(i => i.System == ExtractedIdentifiers.System && ExtractedIdentifiers.BelongsTo(i.Value, submission.Id))) is { Id: { } listId } list)
            {
                var tasks = (await outcomes.ForListAsync(listId, cancellationToken)).Where(t => t.For?.Reference == patient).ToList();
                agenda = list.Entry
                    .Select((entry, index) => (Rank: index + 1, Text: entry.Item?.Display ?? string.Empty))
                    .Where(e => e.Text.Length > 0)
                    .Select(e => new AgendaItemView(e.Rank, e.Text, AgendaOutcomeRecorder.Find(tasks, e.Rank, e.Text)))
                    .ToList();
            }

            result[submission.Id] = new SubmissionFollowUp(ReadOf(submission, readBy), agenda);
        }

        return result;
    }

    // Read when an acknowledgement names this version; or when a clinician acknowledged after it was shared (the summary
    // they read showed it, as the newest answers or as history); else, when one names an earlier version, that one was read.
    private static SubmissionRead? ReadOf(SharedSubmission submission, IReadOnlyList<ReadAcknowledgement> readBy)
    {
        var reference = "QuestionnaireResponse/" + submission.Id;
        var current = $"{reference}/_history/{submission.Version}";
        if (readBy.FirstOrDefault(a => a.Covers.Contains(current) || a.Covers.Contains(reference)) is { } named)
        {
            return new SubmissionRead(named, EarlierVersion: false);
        }

        if (readBy.FirstOrDefault(a => a.When >= submission.SharedAt) is { } after)
        {
            return new SubmissionRead(after, EarlierVersion: false);
        }

        return readBy.FirstOrDefault(a => a.Covers.Any(c => c.StartsWith(reference + "/_history/", StringComparison.Ordinal))) is { } earlier
            ? new SubmissionRead(earlier, EarlierVersion: true)
            : null;
    }
}

/// <summary>A submission on the patient's home page: the response id, its current version and when that version was shared.</summary>
public sealed record SharedSubmission(string Id, int Version, DateTimeOffset SharedAt);

/// <summary>What a clinician did with one submission: the acknowledgement that says it was read (null: not yet) and its agenda's outcomes.</summary>
public sealed record SubmissionFollowUp(SubmissionRead? Read, IReadOnlyList<AgendaItemView> Agenda);

/// <summary>An acknowledgement of a submission; <see cref="EarlierVersion"/> when the patient changed it after it was read.</summary>
public sealed record SubmissionRead(ReadAcknowledgement Acknowledgement, bool EarlierVersion);
