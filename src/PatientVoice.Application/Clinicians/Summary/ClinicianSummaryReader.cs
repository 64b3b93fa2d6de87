using PatientVoice.Application.ReadModels;
using Hl7.Fhir.Model;
using PatientVoice.Application.Clinicians.Review;
using static PatientVoice.Application.ReadModels.RecordReader;

namespace PatientVoice.Application.Clinicians.Summary;

/// <summary>
/// Builds a <see cref="ClinicianSummary"/> for one patient from PatientVoice's own store: the completed responses
/// (newest and previous of each form), their Provenance, the Goals (with the Provenance of changes made on My goals),
/// the Observations extracted from those responses, the newest visit agenda with the outcomes clinicians recorded, the acknowledgements and the patient note.
/// A handful of indexed searches whatever the length of the patient's history (see docs/benchmarks.md).
/// </summary>
public sealed class ClinicianSummaryReader(RecordReader queries, AgendaOutcomeRecorder agendaOutcomes, ReadAcknowledgements acknowledgements, SafetyFlagReader safetyFlags)
{
    /// <summary>Most submissions read for one patient: more than twenty years of monthly visits for all four forms.</summary>
    public const int MaxSubmissions = 1000;

    public async Task<ClinicianSummary> ReadAsync(string patient, CancellationToken cancellationToken)
    {
        // Newest first, a page at a time, until each of our forms has its newest and previous response (or history ends).
        var responses = await queries.SearchUntilAsync<QuestionnaireResponse>(
            [P("subject", patient), P("status", "completed,amended"), P("_sort", "-authored")], 12, MaxSubmissions, HasTwoOfEachForm, cancellationToken);
        var readBy = await acknowledgements.ForPatientAsync(patient, cancellationToken);

        // No early return without submissions: goals added or changed on the My goals page are shared too.
        var history = new SubmissionHistory(responses);
        var compared = history.LatestAndPrevious().ToList();
        var provenances = compared.Count == 0 ? [] : await queries.SearchAsync<Provenance>(
            [P("entity", string.Join(',', compared.Select(r => "QuestionnaireResponse/" + r.Id)))], 4 * compared.Count + 10, cancellationToken);
        var authorship = compared.ToDictionary(r => r.Id!, r => SubmissionAuthorship.Of(r, NewestFor(r.Id!, provenances)), StringComparer.Ordinal);
        Authorship AuthorshipOf(QuestionnaireResponse r) => authorship.TryGetValue(r.Id ?? string.Empty, out var a) ? a : SubmissionAuthorship.Of(r, null);

        var observationSources = new[]
        {
            history.Latest(Forms.MyCarePreferences), history.Previous(Forms.MyCarePreferences),
            history.Latest(Forms.WhatIKnow), history.Previous(Forms.WhatIKnow),
        }.OfType<QuestionnaireResponse>().ToList();
        var observations = observationSources.Count == 0 ? [] : await queries.SearchAsync<Observation>(
            [P("derived-from", string.Join(',', observationSources.Select(r => "QuestionnaireResponse/" + r.Id)))], 1000, cancellationToken);
        var changes = new List<SummaryChange>();
        var preferences = ObservationSections.Preferences(history, observations, AuthorshipOf, changes);
        var selfKnowledge = ObservationSections.SelfKnowledge(history, observations, AuthorshipOf, changes);

        var goals = await queries.SearchAsync<Goal>([P("patient", patient)], 1000, cancellationToken);
        // Page changes are measured against when the newest My goals submission was recorded (the server's clock, as theirs).
        var goalsSubmitted = history.Latest(Forms.MyGoals) is { } latestGoals ? NewestFor(latestGoals.Id!, provenances)?.Recorded ?? SummaryText.When(latestGoals) : null;
        var (goalViews, lastPageChange) = await new GoalSection(queries, history, AuthorshipOf).BuildAsync(goals, goalsSubmitted, changes, cancellationToken);

        var agenda = await AgendaAsync(patient, history, AuthorshipOf, cancellationToken);
        var notes = await queries.SearchAsync<DocumentReference>(
            [P("subject", patient), P("type", "http://loinc.org|51855-5"), P("_sort", "-date")], 1, cancellationToken);

        return new ClinicianSummary
        {
            Patient = patient,
            LastSubmitted = new[] { responses.Select(SummaryText.When).Max(), lastPageChange }.Max(),
            Submissions = history.Newest().Select(r => $"QuestionnaireResponse/{r.Id}/_history/{r.Meta?.VersionId ?? "1"}").ToList(),
            SafetyFlags = await safetyFlags.ReadAsync(patient, history, AuthorshipOf, cancellationToken),
            Agenda = agenda,
            Visit = VisitWordsOf(history.Latest(Forms.BeforeYourVisit), AuthorshipOf),
            SelfKnowledge = selfKnowledge,
            CarePreferences = preferences,
            Goals = goalViews,
            Changes = changes,
            ReadBy = readBy,
            PatientNote = notes.FirstOrDefault()?.Id,
        };
    }

    private static bool HasTwoOfEachForm(IReadOnlyList<QuestionnaireResponse> newestFirst)
    {
        var counts = newestFirst.GroupBy(r => Forms.Normalise(SummaryText.FormOf(r)), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return Forms.Ours.All(form => counts.GetValueOrDefault(form) >= 2);
    }

    private static Provenance? NewestFor(string responseId, IEnumerable<Provenance> provenances) => provenances
        .Where(p => p.Entity.Any(e => e.What?.Reference is { } what && ReferenceId(what) == responseId))
        .OrderByDescending(p => p.Recorded)
        .FirstOrDefault();

    internal static string? ReferenceId(string reference)
    {
        var parts = reference.Split('/');
        var at = Array.IndexOf(parts, "_history");
        return at >= 2 ? parts[at - 1] : parts.Length >= 2 ? parts[^1] : null;
    }

    private static VisitWords VisitWordsOf(QuestionnaireResponse? response, Func<QuestionnaireResponse, Authorship> authorshipOf)
    {
        if (response is null)
        {
            return new VisitWords();
        }

        var by = authorshipOf(response);
        List<PatientWords> Words(string linkId) => SummaryText.Answers(response, linkId).Where(t => t.Length > 0).Select(t => new PatientWords(t, by)).ToList();
        var involve = response.Item.FirstOrDefault(i => i.LinkId == Forms.InvolveFamily)?.Answer.FirstOrDefault()?.Value as FhirBoolean;
        var who = string.Join("; ", SummaryText.Answers(response, Forms.InvolveFamilyWho));
        var decision = SummaryText.Answers(response, Forms.DecisionStyle).FirstOrDefault();
        return new VisitWords
        {
            Hopes = Words(Forms.Hopes),
            Worries = Words(Forms.Worries),
            ClinicianShouldKnow = Words(Forms.ClinicianShouldKnow),
            Changes = Words(Forms.Changes),
            InvolveFamily = involve?.Value is { } yes ? new PatientWords(yes ? (who.Length > 0 ? "Yes: " + who : "Yes") : "No", by) : null,
            DecisionStyle = decision is null ? null : new PatientWords(decision, by),
        };
    }

    private async Task<AgendaView?> AgendaAsync(string patient, SubmissionHistory history, Func<QuestionnaireResponse, Authorship> authorshipOf, CancellationToken cancellationToken)
    {
        var lists = await queries.SearchAsync<List>(
            [P("subject", patient), P("code", Forms.ListKinds + "|visit-agenda"), P("_sort", "-date")], 1, cancellationToken);
        if (lists is not [var list, ..])
        {
            return null;
        }

        var source = history.ByExtractedIdentifier(list);
        var by = source is not null ? authorshipOf(source) : new Authorship(
            list.Source?.Reference?.StartsWith("RelatedPerson/", StringComparison.Ordinal) == true ? WrittenBy.FamilyMember : WrittenBy.Patient,
            list.Source?.Reference,
            list.DateElement?.TryToDateTimeOffset(out var at) == true ? at : null);
        var outcomes = await agendaOutcomes.ForListAsync(list.Id!, cancellationToken);
        var items = list.Entry
            .Select((entry, index) => (Rank: index + 1, Text: entry.Item?.Display ?? string.Empty))
            .Where(e => e.Text.Length > 0)
            .Select(e => new AgendaItemView(e.Rank, e.Text, AgendaOutcomeRecorder.Find(outcomes, e.Rank, e.Text)))
            .ToList();
        return new AgendaView(list.Id!, int.TryParse(list.Meta?.VersionId, out var v) ? v : 1, by, items);
    }
}
