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
    /// <summary>The core extension recording who accepted a goal.</summary>
    public const string AcceptanceExtension = "http://hl7.org/fhir/StructureDefinition/goal-acceptance";

    private const string AchievementSystem = "http://terminology.hl7.org/CodeSystem/goal-achievement";

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

    /// <summary>The patient reached <paramref name="goal"/> (<c>completed</c>, achievement <c>achieved</c>), on <paramref name="when"/>.</summary>
    public static void Achieve(Goal goal, DateTimeOffset when)
    {
        ArgumentNullException.ThrowIfNull(goal);
        goal.LifecycleStatus = Goal.GoalLifecycleStatus.Completed;
        goal.AchievementStatus = new CodeableConcept(AchievementSystem, "achieved", "Achieved");
        goal.StatusDate = Day(when);
    }

    /// <summary><paramref name="goal"/> no longer matters (<c>cancelled</c>), for <paramref name="reason"/>, on <paramref name="when"/>.</summary>
    public static void Withdraw(Goal goal, DateTimeOffset when, string reason)
    {
        ArgumentNullException.ThrowIfNull(goal);
        goal.LifecycleStatus = Goal.GoalLifecycleStatus.Cancelled;
        goal.StatusReason = reason;
        goal.StatusDate = Day(when);
    }

    /// <summary>
    /// Patient and clinician agreed <paramref name="goal"/> (<c>active</c>): both in the core <c>goal-acceptance</c>
    /// extension, the patient as whoever expressed it; its words untouched.
    /// </summary>
    public static void Agree(Goal goal, ResourceReference clinician, DateTimeOffset when)
    {
        ArgumentNullException.ThrowIfNull(goal);
        ArgumentNullException.ThrowIfNull(clinician);
        goal.LifecycleStatus = Goal.GoalLifecycleStatus.Active;
        goal.StatusDate = Day(when);
        goal.StatusReason = "Agreed by the patient and their clinician.";
        goal.Extension.RemoveAll(e => e.Url == AcceptanceExtension);
        goal.Extension.Add(Acceptance(goal.ExpressedBy ?? goal.Subject));
        goal.Extension.Add(Acceptance(clinician));
    }

    /// <summary>A copy of the goal, cancelled, with a note saying why and when; keep its id and update it.</summary>
    public static Goal EndRemoved(Goal previous, DateTimeOffset when)
    {
        ArgumentNullException.ThrowIfNull(previous);
        var ended = (Goal)previous.DeepCopy();
        ended.LifecycleStatus = Goal.GoalLifecycleStatus.Cancelled;
        ended.StatusDate = Day(when);
        ended.StatusReason = "Removed by the patient when they changed their answers.";
        ended.Note.Add(new Annotation
        {
            Time = new FhirDateTime(when).Value,
            Text = "The patient removed this goal when they changed their answers.",
        });
        return ended;
    }

    private static string Day(DateTimeOffset when) => when.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static Extension Acceptance(ResourceReference individual)
    {
        var extension = new Extension { Url = AcceptanceExtension };
        extension.Extension.Add(new Extension("individual", (ResourceReference)individual.DeepCopy()));
        extension.Extension.Add(new Extension("status", new Code("agree")));
        return extension;
    }
}
