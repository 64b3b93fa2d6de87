using Hl7.Fhir.Model;

namespace PatientVoice.Application.Clinicians.Summary;

/// <summary>
/// The newest changes a patient or family member made to one goal on the My goals page, after anything a submission
/// did to it: who made the newest, when, and the first version of the run (so the words before it can be found).
/// </summary>
/// <param name="FirstVersion">The goal version the earliest change of the run made; 1 when the goal was added on the page.</param>
internal sealed record GoalPageChange(Authorship By, int FirstVersion)
{
    public bool Added => FirstVersion <= 1;
}

/// <summary>
/// Reads page changes from the Provenance each one was recorded with (Write/PageChangeProvenance: target the
/// versioned Goal, agent author, no source entity). A submission's Provenance names its response as a source entity;
/// when that is the newest for a goal, the submission speaks for the goal and there is no page change to show.
/// </summary>
internal static class GoalPageChanges
{
    public static IReadOnlyDictionary<string, GoalPageChange> Of(IReadOnlyCollection<string> goalIds, IReadOnlyList<Provenance> provenances)
    {
        var changes = new Dictionary<string, GoalPageChange>(StringComparer.Ordinal);
        foreach (var id in goalIds)
        {
            // Newest first by when recorded (one server clock for pages and submissions; a submission may name the goal
            // unversioned), then by the version named.
            var forGoal = provenances
                .Select(p => (Provenance: p, Version: TargetVersion(p, id)))
                .Where(x => x.Version is not null)
                .OrderByDescending(x => x.Provenance.Recorded)
                .ThenByDescending(x => x.Version)
                .ToList();
            // A clinician's change (agreeing the goal) leaves the patient's words and who wrote them as they were.
            var run = forGoal.Where(x => !IsClinicianChange(x.Provenance)).TakeWhile(x => IsPageChange(x.Provenance)).ToList();
            if (run.Count > 0)
            {
                changes[id] = new GoalPageChange(AuthorshipOf(run[0].Provenance), Math.Max(1, run.Min(x => x.Version!.Value)));
            }
        }

        return changes;
    }

    private static bool IsPageChange(Provenance provenance) => !provenance.Entity.Any(e => e.Role == Provenance.ProvenanceEntityRole.Source);

    private static bool IsClinicianChange(Provenance provenance) =>
        Author(provenance)?.Who?.Reference?.StartsWith("Practitioner", StringComparison.Ordinal) == true; // Practitioner/ or PractitionerRole/

    private static Provenance.AgentComponent? Author(Provenance provenance) =>
        provenance.Agent.FirstOrDefault(a => a.Type?.Coding.Any(c => c.Code == "author") == true) ?? provenance.Agent.FirstOrDefault();

    private static Authorship AuthorshipOf(Provenance provenance)
    {
        var who = Author(provenance)?.Who?.Reference;
        var by = who?.StartsWith("RelatedPerson/", StringComparison.Ordinal) == true ? WrittenBy.FamilyMember : WrittenBy.Patient;
        return new Authorship(by, who, provenance.Recorded);
    }

    /// <summary>The version of <c>Goal/{id}</c> the provenance targets; 0 for an unversioned target; null when it does not target it.</summary>
    private static int? TargetVersion(Provenance provenance, string id)
    {
        foreach (var target in provenance.Target)
        {
            var parts = (target.Reference ?? string.Empty).Split('/');
            var at = Array.IndexOf(parts, "_history");
            var (type, targetId) = at >= 2 ? (parts[at - 2], parts[at - 1]) : parts.Length >= 2 ? (parts[^2], parts[^1]) : (null, null);
            if (type == "Goal" && targetId == id)
            {
                return at >= 2 && at + 1 < parts.Length && int.TryParse(parts[at + 1], out var v) ? v : 0;
            }
        }

        return null;
    }
}
