using PatientVoice.Application.Interactions;
using PatientVoice.Application.Write;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Web.Clinicians.Summary;

namespace PatientVoice.Web.Clinicians.Review;

/// <summary>
/// Agreeing a goal together: a new version of the patient's Goal with <c>lifecycleStatus</c> active, both parties'
/// agreement in the core <c>goal-acceptance</c> extension, the description and <c>expressedBy</c> untouched, and the
/// clinician's words, if any, as a <c>note</c> with its author and time.
/// </summary>
public sealed class GoalAgreement(SummaryStoreQueries queries, ResourceWrites writes, TimeProvider time)
{
    public const string AcceptanceExtension = "http://hl7.org/fhir/StructureDefinition/goal-acceptance";

    /// <summary>Agrees goal <paramref name="goalId"/> of <paramref name="patient"/>; 412 when it changed since version <paramref name="version"/>.</summary>
    public async Task<int> AgreeAsync(string patient, string goalId, int version, ResourceReference clinician, string? note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clinician);
        var goal = await queries.ReadAsync<Goal>(goalId, cancellationToken);
        if (goal is null || goal.Subject?.Reference != patient)
        {
            throw new ResourceNotFoundException($"This patient has no Goal/{goalId}.");
        }

        if (PatientVoice.Fhir.Goals.GoalLifecycle.IsEnded(goal))
        {
            throw new ResourceConflictException("This goal has ended; it cannot be agreed.");
        }

        var now = time.GetUtcNow();
        goal.LifecycleStatus = Goal.GoalLifecycleStatus.Active;
        goal.StatusDate = now.UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        goal.StatusReason = "Agreed by the patient and their clinician.";
        goal.Extension.RemoveAll(e => e.Url == AcceptanceExtension);
        goal.Extension.Add(Acceptance(goal.ExpressedBy ?? goal.Subject));
        goal.Extension.Add(Acceptance(clinician));
        if (!string.IsNullOrWhiteSpace(note))
        {
            goal.Note.Add(new Annotation
            {
                Author = (ResourceReference)clinician.DeepCopy(),
                Time = new FhirDateTime(now).Value,
                Text = note.Trim(),
            });
        }

        var written = await writes.UpdateAsync("Goal", goal.Id!, goal, version, cancellationToken);
        return written.Stored.VersionId;
    }

    private static Extension Acceptance(ResourceReference individual)
    {
        var extension = new Extension { Url = AcceptanceExtension };
        extension.Extension.Add(new Extension("individual", (ResourceReference)individual.DeepCopy()));
        extension.Extension.Add(new Extension("status", new Code("agree")));
        return extension;
    }
}
