using Hl7.Fhir.Model;
using PatientVoice.Storage;

namespace PatientVoice.Web.Patients;

/// <summary>What a patient may do to one of their goals from the My goals page.</summary>
public enum GoalChange
{
    /// <summary>New words for the goal (and why it matters).</summary>
    Edit,

    /// <summary>The patient reached it.</summary>
    Achieved,

    /// <summary>It no longer matters to the patient.</summary>
    NoLongerRelevant,
}

/// <summary>
/// The patient's goals (pv-patient-stated-goal): read, added and changed in their words. Every change is a new
/// version of the Goal (If-Match against the version the page showed), so the history shows what the goal was.
/// </summary>
public sealed partial class PatientGoals(PatientStore store, TimeProvider time, ILogger<PatientGoals> logger)
{
    public const string Profile = "http://patientvoice.example.org/fhir/StructureDefinition/pv-patient-stated-goal";
    private const string AchievementSystem = "http://terminology.hl7.org/CodeSystem/goal-achievement";

    public async Task<IReadOnlyList<(Goal Goal, StoredResource Stored)>> ListAsync(PatientContext context, CancellationToken cancellationToken)
    {
        var goals = await store.SearchAsync<Goal>([new("subject", context.PatientReference)], cancellationToken);
        return goals.Where(g => g.Resource.LifecycleStatus != Goal.GoalLifecycleStatus.EnteredInError).ToList();
    }

    public async Task<(Goal Goal, StoredResource Stored)> RequireAsync(PatientContext context, string id, CancellationToken cancellationToken)
        => await store.ReadAsync<Goal>(id, cancellationToken) is { Resource: var goal, Stored: var stored } && goal.Subject?.Reference == context.PatientReference
            ? (goal, stored)
            : throw new KeyNotFoundException("No such goal for this patient.");

    public async Task<IReadOnlyList<(Goal Goal, StoredResource Stored)>> HistoryAsync(PatientContext context, string id, CancellationToken cancellationToken)
    {
        await RequireAsync(context, id, cancellationToken);
        return await store.HistoryAsync<Goal>(id, cancellationToken);
    }

    /// <summary>A new goal in the patient's words, expressed by whoever is signed in (the patient or their family member).</summary>
    public async Task<StoredResource> AddAsync(PatientContext context, string description, string? why, CancellationToken cancellationToken)
    {
        var goal = new Goal
        {
            Meta = new Meta { Profile = [Profile] },
            LifecycleStatus = Goal.GoalLifecycleStatus.Proposed,
            Category = [new CodeableConcept("http://loinc.org", "87528-6", "Personal health goal")],
            Description = new CodeableConcept { Text = description.Trim() },
            Subject = new ResourceReference(context.PatientReference),
            Start = new Date(time.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            ExpressedBy = new ResourceReference(context.UserReference),
        };
        SetWhy(goal, why);
        var stored = await store.WriteRecordedAsync(goal, null, context, cancellationToken);
        LogGoalChanged(stored.Id, stored.VersionId, "added");
        return stored;
    }

    /// <summary>Applies <paramref name="change"/> to the goal as it was at <paramref name="version"/> (412 if it changed since).</summary>
    public async Task<StoredResource> ChangeAsync(PatientContext context, string id, int version, GoalChange change, string? description, string? why, CancellationToken cancellationToken)
    {
        var (goal, _) = await RequireAsync(context, id, cancellationToken);
        switch (change)
        {
            case GoalChange.Edit:
                goal.Description = new CodeableConcept { Text = description?.Trim() };
                SetWhy(goal, why);
                break;
            case GoalChange.Achieved:
                goal.LifecycleStatus = Goal.GoalLifecycleStatus.Completed;
                goal.AchievementStatus = new CodeableConcept(AchievementSystem, "achieved", "Achieved");
                goal.StatusDateElement = new Date(time.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                break;
            case GoalChange.NoLongerRelevant:
                goal.LifecycleStatus = Goal.GoalLifecycleStatus.Cancelled;
                goal.StatusReason = "No longer relevant to me";
                goal.StatusDateElement = new Date(time.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
                break;
        }

        var stored = await store.WriteRecordedAsync(goal, version, context, cancellationToken);
        LogGoalChanged(stored.Id, stored.VersionId, change.ToString());
        return stored;
    }

    /// <summary>Why the goal matters, in the patient's words: the first note.</summary>
    public static string? WhyOf(Goal goal) => goal.Note.FirstOrDefault()?.Text;

    /// <summary>Still something the patient is working on (<see cref="PatientVoice.Fhir.Goals.GoalLifecycle.IsOpen"/>).</summary>
    public static bool IsOpen(Goal goal) => PatientVoice.Fhir.Goals.GoalLifecycle.IsOpen(goal);

    private static void SetWhy(Goal goal, string? why)
    {
        goal.Note.RemoveAll(_ => true);
        if (!string.IsNullOrWhiteSpace(why))
        {
            goal.Note.Add(new Annotation { Text = why.Trim() });
        }
    }

    [LoggerMessage(EventId = 6020, Level = LogLevel.Information, Message = "Goal/{Id} version {Version}: {Change} from the patient pages")]
    private partial void LogGoalChanged(string id, int version, string change);
}
