using PatientVoice.Application.ReadModels;
using PatientVoice.Application.Interactions;
using PatientVoice.Application.Write;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Application.Clinicians.Summary;
using static PatientVoice.Application.ReadModels.RecordReader;
using FhirTask = Hl7.Fhir.Model.Task;

namespace PatientVoice.Application.Clinicians.Review;

/// <summary>
/// Closing the loop on the patient's agenda (docs/adr/0011): one Task per agenda topic, <c>focus</c> the agenda
/// List, <c>description</c> the topic in the patient's words, <c>businessStatus</c> addressed / deferred /
/// next-visit (pv-agenda-outcome), <c>owner</c> the clinician. Marking a topic again is a new version of the same
/// Task (identifier <c>{listId}/{rank}</c>), so its history shows every change. The patient's List is never touched.
/// </summary>
public sealed class AgendaOutcomeRecorder(RecordReader queries, ResourceWrites writes, TimeProvider time)
{
    public const string IdentifierSystem = "http://patientvoice.example.org/fhir/sid/agenda-outcome";

    /// <summary>Every outcome recorded on one agenda List.</summary>
    public Task<IReadOnlyList<FhirTask>> ForListAsync(string listId, CancellationToken cancellationToken) =>
        queries.SearchAsync<FhirTask>([P("focus", "List/" + listId)], 200, cancellationToken);

    /// <summary>The outcome for the topic at <paramref name="rank"/>, when its Task still names the same words.</summary>
    public static AgendaOutcomeView? Find(IEnumerable<FhirTask> tasks, int rank, string text)
    {
        var task = tasks.Where(t => SummaryText.Key(t.Description) == SummaryText.Key(text))
            .OrderBy(t => t.Identifier.Any(i => i.System == IdentifierSystem && (i.Value ?? string.Empty).EndsWith("/" + rank, StringComparison.Ordinal)) ? 0 : 1)
            .FirstOrDefault();
        return task is null ? null : ViewOf(task);
    }

    public static AgendaOutcomeView? ViewOf(FhirTask task)
    {
        var outcome = AgendaOutcomes.Parse(task.BusinessStatus?.Coding.FirstOrDefault(c => c.System == AgendaOutcomes.System)?.Code);
        return outcome is null ? null : new AgendaOutcomeView(outcome.Value, task.Owner?.Display ?? task.Owner?.Reference,
            task.LastModifiedElement?.TryToDateTimeOffset(out var at) == true ? at : task.Meta?.LastUpdated);
    }

    /// <summary>Records what the clinician did about topic <paramref name="rank"/> (1-based) of the patient's agenda.</summary>
    public async Task<AgendaOutcomeView> RecordAsync(string patient, string listId, int rank, AgendaOutcome outcome, ResourceReference clinician, CancellationToken cancellationToken)
    {
        var list = await queries.ReadAsync<List>(listId, cancellationToken);
        if (list is null || list.Subject?.Reference != patient)
        {
            throw new ResourceNotFoundException($"This patient has no agenda List/{listId}.");
        }

        if (rank < 1 || rank > list.Entry.Count || list.Entry[rank - 1].Item?.Display is not { Length: > 0 } words)
        {
            throw new BadRequestException($"The agenda has no topic {rank}.", "rank");
        }

        var now = time.GetUtcNow();
        var stamp = new FhirDateTime(now).Value;
        var task = new FhirTask
        {
            Identifier = [new Identifier(IdentifierSystem, $"{listId}/{rank}")],
            Status = outcome switch
            {
                AgendaOutcome.Addressed => FhirTask.TaskStatus.Completed,
                AgendaOutcome.Deferred => FhirTask.TaskStatus.OnHold,
                _ => FhirTask.TaskStatus.Requested,
            },
            BusinessStatus = new CodeableConcept(AgendaOutcomes.System, AgendaOutcomes.Code(outcome), AgendaOutcomes.Label(outcome)),
            Intent = FhirTask.TaskIntent.Plan,
            Code = new CodeableConcept { Text = "Talk about a topic on the patient's visit agenda" },
            Description = words,
            Focus = new ResourceReference("List/" + listId),
            For = new ResourceReference(patient),
            Encounter = (ResourceReference?)list.Encounter?.DeepCopy(),
            AuthoredOn = stamp,
            LastModified = stamp,
            Requester = (ResourceReference)clinician.DeepCopy(),
            Owner = (ResourceReference)clinician.DeepCopy(),
        };
        await writes.ConditionalUpdateRecordedAsync(task, [P("identifier", $"{IdentifierSystem}|{listId}/{rank}")], new Actor(patient, clinician.Reference ?? string.Empty), cancellationToken);
        return new AgendaOutcomeView(outcome, clinician.Display ?? clinician.Reference, now);
    }
}
