using Hl7.Fhir.Model;

namespace PatientVoice.Web.Clinicians.Summary;

/// <summary>
/// The goals a clinician should see: those of the newest "My goals" submission, and any goal agreed earlier that
/// is still in play (or that an integrator wrote). Each with its status history, the clinician's notes, when the
/// patient first wrote those words, and how it compares with the previous submission.
/// </summary>
internal sealed class GoalSection(SummaryStoreQueries queries, SubmissionHistory history, Func<QuestionnaireResponse, Authorship> authorshipOf)
{
    public const string Area = "Goals";

    public async Task<IReadOnlyList<GoalView>> BuildAsync(IReadOnlyList<Goal> goals, List<SummaryChange> changes, CancellationToken cancellationToken)
    {
        var latest = history.Latest(Forms.MyGoals);
        var previous = history.Previous(Forms.MyGoals);
        string? SourceOf(Goal g) => SubmissionHistory.SourceResponseId(g);

        var fromLatest = latest is null ? [] : goals.Where(g => SourceOf(g) == latest.Id && !IsEnded(g)).ToList();
        var stillInPlay = goals.Where(g => SourceOf(g) != latest?.Id && !IsEnded(g)
            && (IsAgreed(g) || SourceOf(g) is null)).ToList();
        var shown = stillInPlay.Concat(fromLatest)
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
            var change = previousKeys is null || SourceOf(goal) != latest?.Id ? ChangeKind.None
                : previousKeys.Contains(key) ? ChangeKind.None : ChangeKind.New;
            if (change == ChangeKind.New)
            {
                changes.Add(new SummaryChange(Area, "Goal", ChangeKind.New, null, goal.Description?.Text));
            }

            views.Add(await ViewAsync(goal, change, firstShared.GetValueOrDefault(key), cancellationToken));
        }

        if (previous is not null && latest is not null)
        {
            var shownKeys = shown.Select(g => SummaryText.Key(g.Description?.Text)).ToHashSet(StringComparer.Ordinal);
            foreach (var gone in goals.Where(g => SourceOf(g) == previous.Id).Where(g => !shownKeys.Contains(SummaryText.Key(g.Description?.Text))))
            {
                changes.Add(new SummaryChange(Area, "Goal", ChangeKind.NoLongerMentioned, gone.Description?.Text, null));
            }
        }

        return views;
    }

    private async Task<GoalView> ViewAsync(Goal goal, ChangeKind change, DateTimeOffset? firstShared, CancellationToken cancellationToken)
    {
        var version = int.TryParse(goal.Meta?.VersionId, out var v) ? v : 1;
        var versions = version > 1 ? await queries.HistoryAsync<Goal>(goal.Id!, cancellationToken) : [goal];
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
            Authorship = source is not null ? authorshipOf(source) : SubmissionAuthorship.OfGoal(goal),
            Change = change,
            FirstShared = firstShared,
            History = steps,
        };
    }

    private static string Status(Goal goal) => goal.LifecycleStatus?.ToString() is { } s ? Hl7.Fhir.Utility.EnumUtility.GetLiteral(goal.LifecycleStatus) ?? s : "proposed";

    private static bool IsAgreed(Goal goal) => goal.LifecycleStatus is Goal.GoalLifecycleStatus.Active or Goal.GoalLifecycleStatus.Accepted or Goal.GoalLifecycleStatus.OnHold;

    private static bool IsEnded(Goal goal) => goal.LifecycleStatus is Goal.GoalLifecycleStatus.Cancelled or Goal.GoalLifecycleStatus.Completed
        or Goal.GoalLifecycleStatus.Rejected or Goal.GoalLifecycleStatus.EnteredInError;
}
