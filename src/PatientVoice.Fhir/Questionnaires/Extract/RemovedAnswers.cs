using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Questionnaires.Extract;

/// <summary>What becomes of a resource whose answer the patient removed when amending: ended, never deleted.</summary>
public static class RemovedAnswers
{
    /// <summary>An Observation whose answer was removed: entered-in-error would be wrong (it was true when said), so it is cancelled.</summary>
    public static Observation EndRemovedObservation(Observation previous, DateTimeOffset when)
    {
        ArgumentNullException.ThrowIfNull(previous);
        var ended = (Observation)previous.DeepCopy();
        ended.Status = ObservationStatus.Cancelled;
        ended.Note.Add(new Annotation
        {
            Time = new FhirDateTime(when).Value,
            Text = "The patient removed this answer when they changed their answers.",
        });
        return ended;
    }
}
