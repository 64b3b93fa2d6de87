using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Goals;

/// <summary>
/// The one definition of where a patient's goal stands, used by populate and extract, submissions, the patient pages and
/// the clinician summary: a goal is <b>ended</b> once it is reached, dropped, turned down or withdrawn (it is no longer
/// carried forward, shown as open, or agreed); it is <b>agreed</b> once clinician and patient have accepted it; a goal
/// the patient took out of their answers is ended as cancelled, never deleted.
/// </summary>
public static class GoalLifecycle
{
    private static readonly HashSet<Goal.GoalLifecycleStatus> Ended =
    [
        Goal.GoalLifecycleStatus.Cancelled, Goal.GoalLifecycleStatus.Completed, Goal.GoalLifecycleStatus.EnteredInError, Goal.GoalLifecycleStatus.Rejected,
    ];

    /// <summary>Reached, dropped, turned down or withdrawn: not carried forward, not open.</summary>
    public static bool IsEnded(Goal goal) => goal.LifecycleStatus is { } status && Ended.Contains(status);

    /// <summary>Something the patient is still working on.</summary>
    public static bool IsOpen(Goal goal) => !IsEnded(goal);

    /// <summary>Clinician and patient agreed on it (accepted, active or on hold).</summary>
    public static bool IsAgreed(Goal goal) => goal.LifecycleStatus is Goal.GoalLifecycleStatus.Active or Goal.GoalLifecycleStatus.Accepted or Goal.GoalLifecycleStatus.OnHold;

    /// <summary>A copy of the goal, cancelled, with a note saying why and when; keep its id and update it.</summary>
    public static Goal EndRemoved(Goal previous, DateTimeOffset when)
    {
        ArgumentNullException.ThrowIfNull(previous);
        var ended = (Goal)previous.DeepCopy();
        ended.LifecycleStatus = Goal.GoalLifecycleStatus.Cancelled;
        ended.StatusDate = when.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        ended.StatusReason = "Removed by the patient when they changed their answers.";
        ended.Note.Add(new Annotation
        {
            Time = new FhirDateTime(when).Value,
            Text = "The patient removed this goal when they changed their answers.",
        });
        return ended;
    }
}
