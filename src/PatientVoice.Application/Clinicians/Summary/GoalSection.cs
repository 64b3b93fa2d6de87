using PatientVoice.Application.ReadModels;
using Hl7.Fhir.Model;
using static PatientVoice.Fhir.Goals.GoalLifecycle;
using static PatientVoice.Application.ReadModels.RecordReader;

namespace PatientVoice.Application.Clinicians.Summary;

/// <summary>
/// The goals a clinician should see: those of the newest "My goals" submission, any goal agreed earlier that is still
/// in play (or that the patient added on the My goals page, or an integrator wrote), and any the patient changed on the
/// My goals page since that submission (reworded, achieved, no longer relevant), with who changed it. Each with its
/// status history, the clinician's notes, when the patient first wrote those words, and how it compares with the
/// previous submission.
/// </summary>
internal sealed class GoalSection(RecordReader queries, SubmissionHistory history, Func<QuestionnaireResponse, Authorship> authorshipOf)
{
    public const string Area = "Goals";

    /// <summary>
    /// The goal views, adding to <paramref name="changes"/> what changed since the previous My goals submission and what
    /// the patient changed on the My goals page since the newest one (<paramref name="goalsSubmittedAt"/>, null when there
    /// is none); with when the newest page change was made, if any.
    /// </summary>
    public async Task<(IReadOnlyList<GoalView> Views, DateTimeOffset? LastPageChange)> BuildAsync(
        IReadOnlyList<Goal> goals, DateTimeOffset? goalsSubmittedAt, List<SummaryChange> changes, CancellationToken cancellationToken)
    {
        var latest = history.Latest(Forms.MyGoals);
        var previous = history.Previous(Forms.MyGoals);
        string? SourceOf(Goal g) => SubmissionHistory.SourceResponseId(g);
        bool Since(DateTimeOffset? at) => goalsSubmittedAt is null || at > goalsSubmittedAt;

        var fromLatest = latest is null ? [] : goals.Where(g => SourceOf(g) == latest.Id && !IsEnded(g)).ToList();
        var stillInPlay = goals.Where(g => SourceOf(g) != latest?.Id && !IsEnded(g)
            && (IsAgreed(g) || SourceOf(g) is null)).ToList();
        var byRule = stillInPlay.Concat(fromLatest).ToList();

        // A goal touched since the newest My goals submission may have been changed on the My goals page (reworded,
        // achieved, no longer relevant): one search for the Provenance of these and the goals shown tells who and when.
        var touched = goals.Where(g => g.LifecycleStatus != Goal.GoalLifecycleStatus.EnteredInError && Since(g.Meta?.LastUpdated)).ToList();
        var candidates = byRule.Concat(touched).Where(g => g.Id is not null).DistinctBy(g => g.Id).ToList();
        var provenances = candidates.Count == 0 ? [] : await queries.SearchAsync<Provenance>(
            [P("target", string.Join(',', candidates.Select(g => "Goal/" + g.Id))), P("_sort", "-recorded")],
            1000, cancellationToken);
        var pageChanges = GoalPageChanges.Of(candidates.Select(g => g.Id!).ToList(), provenances);
        GoalPageChange? RecentPageChange(Goal g) => pageChanges.GetValueOrDefault(g.Id!) is { } c && Since(c.By.When) ? c : null;

        var shown = byRule.Concat(touched.Where(g => RecentPageChange(g) is not null && !byRule.Contains(g)))
            .GroupBy(g => SummaryText.Key(g.Description?.Text))
            .Select(g => g.FirstOrDefault(IsAgreed) ?? g.First())
            .ToList();

        var previousKeys = previous is null ? null : goals.Where(g => SourceOf(g) == previous.Id).Select(g => SummaryText.Key(g.Description?.Text)).ToHashSet(StringComparer.Ordinal);
        var firstShared = goals
            .Select(g => (Key: SummaryText.Key(g.Description?.Text), When: history.ById(SourceOf(g)) is { } r ? SummaryText.When(r) : g.Meta?.LastUpdated))
            .Where(x => x.When is not null)
            .GroupBy(x => x.Key)
            .ToDictionary(g => g.Key, g => g.Min(x => x.When), StringComparer.Ordinal);

        var views = new List<GoalView>();
        foreach (var goal in shown)
        {
            var key = SummaryText.Key(goal.Description?.Text);
            var versions = await VersionsAsync(goal, cancellationToken);
            var pageChange = pageChanges.GetValueOrDefault(goal.Id!);
            var change = RecentPageChange(goal) is { } recent ? PageChangeSince(goal, recent, versions, changes)
                : previousKeys is null || SourceOf(goal) != latest?.Id ? ChangeKind.None
                : previousKeys.Contains(key) ? ChangeKind.None : ChangeKind.New;
            if (change == ChangeKind.New && RecentPageChange(goal) is null)
            {
                changes.Add(new SummaryChange(Area, "Goal", ChangeKind.New, null, goal.Description?.Text));
            }

            views.Add(View(goal, versions, change, firstShared.GetValueOrDefault(key), pageChange?.By));
        }

        if (previous is not null && latest is not null)
        {
            var shownKeys = shown.Select(g => SummaryText.Key(g.Description?.Text)).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in goals.Where(g => SourceOf(g) == previous.Id).Where(g => !shownKeys.Contains(SummaryText.Key(g.Description?.Text))))
            {
                changes.Add(new SummaryChange(Area, "Goal", ChangeKind.NoLongerMentioned, gone.Description?.Text, null));
            }
        }

        return (views, pageChanges.Values.Select(c => c.By.When).Max());
    }

    /// <summary>
    /// How the page changes of the run compare with the goal before them (the version before the first): added, reworded,
    /// achieved or no longer relevant. Each is one entry in <paramref name="changes"/>.
    /// </summary>
    private static ChangeKind PageChangeSince(Goal goal, GoalPageChange pageChange, IReadOnlyList<Goal> versions, List<SummaryChange> changes)
    {
        var words = goal.Description?.Text;
        if (pageChange.Added)
        {
            changes.Add(new SummaryChange(Area, "Goal", ChangeKind.New, null, words));
            return ChangeKind.New;
        }

        var before = versions.LastOrDefault(v => int.TryParse(v.Meta?.VersionId, out var n) && n < pageChange.FirstVersion);
        var kind = ChangeKind.None;
        if (before is not null && SummaryText.Key(before.Description?.Text) != SummaryText.Key(words))
        {
            changes.Add(new SummaryChange(Area, "Goal", ChangeKind.Changed, before.Description?.Text, words));
            kind = ChangeKind.Changed;
        }

        if (IsEnded(goal) && (before is null || !IsEnded(before)))
        {
            var label = goal.LifecycleStatus == Goal.GoalLifecycleStatus.Completed ? "Goal achieved" : "Goal no longer relevant";
            changes.Add(new SummaryChange(Area, label, ChangeKind.Changed, null, words));
            kind = ChangeKind.Changed;
        }

        return kind;
    }

    private async Task<IReadOnlyList<Goal>> VersionsAsync(Goal goal, CancellationToken cancellationToken) =>
        int.TryParse(goal.Meta?.VersionId, out var v) && v > 1
            ? [.. (await queries.HistoryAsync<Goal>(goal.Id!, cancellationToken)).Select(h => h.Resource).Reverse()] // oldest first: the status steps in order
            : [goal];

    private GoalView View(Goal goal, IReadOnlyList<Goal> versions, ChangeKind change, DateTimeOffset? firstShared, Authorship? changedOnPage)
    {
        var version = int.TryParse(goal.Meta?.VersionId, out var v) ? v : 1;
        var steps = new List<GoalStatusStep>();
        foreach (var past in versions)
        {
            var status = Status(past);
            if (steps.Count == 0 || steps[^1].Status != status)
            {
                steps.Add(new GoalStatusStep(status, past.Meta?.LastUpdated ?? DateTimeOffset.MinValue, int.TryParse(past.Meta?.VersionId, out var pv) ? pv : 1));
            }
        }

        var source = history.ByExtractedIdentifier(goal);
        var target = goal.Target.FirstOrDefault();
        return new GoalView
        {
            Id = goal.Id!,
            Version = version,
            Words = goal.Description?.Text ?? string.Empty,
            Status = Status(goal),
            Due = (target?.Due as Date)?.Value,
            HowTheyWillKnow = (target?.Detail as FhirString)?.Value,
            PatientNotes = goal.Note.Where(n => n.Author is null && n.Time is null).Select(n => n.Text).OfType<string>().ToList(),
            AuthoredNotes = goal.Note.Where(n => n.Author is not null || n.Time is not null)
                .Select(n => new GoalNoteView(n.Text ?? string.Empty, (n.Author as ResourceReference)?.Display ?? (n.Author as ResourceReference)?.Reference ?? (n.Author as FhirString)?.Value,
                    n.TimeElement?.TryToDateTimeOffset(out var at) == true ? at : null))
                .ToList(),
            // Whoever last changed the goal on My goals speaks for its current words and status, even when a submission first made it.
            Authorship = changedOnPage ?? (source is not null ? authorshipOf(source) : SubmissionAuthorship.OfGoal(goal)),
            Change = change,
            FirstShared = firstShared,
            History = steps,
        };
    }

    private static string Status(Goal goal) => goal.LifecycleStatus?.ToString() is { } s ? Hl7.Fhir.Utility.EnumUtility.GetLiteral(goal.LifecycleStatus) ?? s : "proposed";
}
