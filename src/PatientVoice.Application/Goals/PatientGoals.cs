using PatientVoice.Application.Interactions;
using PatientVoice.Application.ReadModels;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Goals;
using PatientVoice.Storage;

namespace PatientVoice.Application.Goals;

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
/// The patient's goals on the My goals page (pv-patient-stated-goal): read, added and changed in their words, by the
/// patient or a family member (<see cref="Actor"/>). Every change is a new version of the Goal (If-Match against the
/// version the page showed), recorded with who made it (<see cref="ResourceWrites.WriteRecordedAsync"/>), so the history
/// shows what the goal was and the clinician sees who changed it. Where a goal stands is <see cref="GoalLifecycle"/>'s.
/// </summary>
public sealed partial class PatientGoals(RecordReader records, ResourceWrites writes, TimeProvider time, ILogger<PatientGoals> logger)
{
    public const string Profile = "http://patientvoice.example.org/fhir/StructureDefinition/pv-patient-stated-goal";

    public async Task<IReadOnlyList<(Goal Goal, StoredResource Stored)>> ListAsync(Actor actor, CancellationToken cancellationToken)
    {
        var goals = await records.SearchStoredAsync<Goal>([new("subject", actor.PatientReference), RecordReader.NewestFirst], RecordReader.DefaultCount, cancellationToken);
        return goals.Where(g => g.Resource.LifecycleStatus != Goal.GoalLifecycleStatus.EnteredInError).ToList();
    }

    public async Task<(Goal Goal, StoredResource Stored)> RequireAsync(Actor actor, string id, CancellationToken cancellationToken)
        => await records.ReadStoredAsync<Goal>(id, cancellationToken) is { Resource: var goal, Stored: var stored } && goal.Subject?.Reference == actor.PatientReference
            ? (goal, stored)
            : throw new KeyNotFoundException("No such goal for this patient.");

    public async Task<IReadOnlyList<(Goal Goal, StoredResource Stored)>> HistoryAsync(Actor actor, string id, CancellationToken cancellationToken)
    {
        await RequireAsync(actor, id, cancellationToken);
        return await records.HistoryAsync<Goal>(id, cancellationToken);
    }

    /// <summary>A new goal in the patient's words, expressed by whoever is signed in (the patient or their family member).</summary>
    public async Task<StoredResource> AddAsync(Actor actor, string description, string? why, CancellationToken cancellationToken)
    {
        var goal = new Goal
        {
            Meta = new Meta { Profile = [Profile] },
            LifecycleStatus = Goal.GoalLifecycleStatus.Proposed,
            Category = [new CodeableConcept("http://loinc.org", "87528-6", "Personal health goal")],
            Description = new CodeableConcept { Text = description.Trim() },
            Subject = new ResourceReference(actor.PatientReference),
            Start = new Date(time.GetUtcNow().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
            ExpressedBy = new ResourceReference(actor.UserReference),
        };
        SetWhy(goal, why);
        var stored = (await writes.WriteRecordedAsync(goal, null, actor, cancellationToken)).Stored;
        LogGoalChanged(stored.Id, stored.VersionId, "added");
        return stored;
    }

    /// <summary>Applies <paramref name="change"/> to the goal as it was at <paramref name="version"/> (412 if it changed since).</summary>
    public async Task<StoredResource> ChangeAsync(Actor actor, string id, int version, GoalChange change, string? description, string? why, CancellationToken cancellationToken)
    {
        var (goal, _) = await RequireAsync(actor, id, cancellationToken);
        switch (change)
        {
            case GoalChange.Edit:
                goal.Description = new CodeableConcept { Text = description?.Trim() };
                SetWhy(goal, why);
                break;
            case GoalChange.Achieved:
                GoalLifecycle.Achieve(goal, time.GetUtcNow());
                break;
            case GoalChange.NoLongerRelevant:
                GoalLifecycle.Withdraw(goal, time.GetUtcNow(), "No longer relevant to me");
                break;
        }

        var stored = (await writes.WriteRecordedAsync(goal, version, actor, cancellationToken)).Stored;
        LogGoalChanged(stored.Id, stored.VersionId, change.ToString());
        return stored;
    }

    /// <summary>Why the goal matters, in the patient's words: the first note.</summary>
    public static string? WhyOf(Goal goal) => goal.Note.FirstOrDefault()?.Text;

    /// <summary>Still something the patient is working on (<see cref="GoalLifecycle.IsOpen"/>).</summary>
    public static bool IsOpen(Goal goal) => GoalLifecycle.IsOpen(goal);

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
