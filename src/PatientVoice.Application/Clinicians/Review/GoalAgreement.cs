using PatientVoice.Application.ReadModels;
using PatientVoice.Application.Interactions;
using PatientVoice.Application.Write;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Goals;
using PatientVoice.Fhir.Errors;
using PatientVoice.Application.Clinicians.Summary;

namespace PatientVoice.Application.Clinicians.Review;

/// <summary>
/// Agreeing a goal together: a new version of the patient's Goal with <c>lifecycleStatus</c> active, both parties'
/// agreement in the core <c>goal-acceptance</c> extension, the description and <c>expressedBy</c> untouched, and the
/// clinician's words, if any, as a <c>note</c> with its author and time.
/// </summary>
public sealed class GoalAgreement(RecordReader queries, ResourceWrites writes, TimeProvider time)
{
    public const string AcceptanceExtension = GoalLifecycle.AcceptanceExtension;

    /// <summary>Agrees goal <paramref name="goalId"/> of <paramref name="patient"/>; 412 when it changed since version <paramref name="version"/>.</summary>
    public async Task<int> AgreeAsync(string patient, string goalId, int version, ResourceReference clinician, string? note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(clinician);
        var goal = await queries.ReadAsync<Goal>(goalId, cancellationToken);
        if (goal is null || goal.Subject?.Reference != patient)
        {
            throw new ResourceNotFoundException($"This patient has no Goal/{goalId}.");
        }

        if (GoalLifecycle.IsEnded(goal))
        {
            throw new ResourceConflictException("This goal has ended; it cannot be agreed.");
        }

        var now = time.GetUtcNow();
        GoalLifecycle.Agree(goal, clinician, now);
        if (!string.IsNullOrWhiteSpace(note))
        {
            goal.Note.Add(new Annotation
            {
                Author = (ResourceReference)clinician.DeepCopy(),
                Time = new FhirDateTime(now).Value,
                Text = note.Trim(),
            });
        }

        // Recorded as a change the clinician made (Provenance), and written back to the EHR like any change to a goal.
        var written = await writes.WriteRecordedAsync(goal, version, new Actor(patient, clinician.Reference ?? string.Empty), cancellationToken);
        return written.Stored.VersionId;
    }
}
