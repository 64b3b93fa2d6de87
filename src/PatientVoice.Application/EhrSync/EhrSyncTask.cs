using Hl7.Fhir.Model;
using FhirTask = Hl7.Fhir.Model.Task;

namespace PatientVoice.Application.EhrSync;

/// <summary>
/// The FHIR-searchable status of a submission's write-back: one Task per stored version of the response
/// (<c>Task?focus=QuestionnaireResponse/{id}</c>, <c>Task?code=…|ehr-write-back&amp;status=failed</c>). <c>status</c> follows
/// the delivery (requested, in-progress, completed, failed), <c>businessStatus</c> says queued / retrying / delivered /
/// failed, <c>statusReason</c> why, and one <c>output</c> per item: its outcome code, our reference in <c>type.text</c>,
/// the EHR's resource (or the reason) as the value. See docs/adr/0015.
/// </summary>
public static class EhrSyncTask
{
    public const string KindSystem = "http://patientvoice.example.org/fhir/CodeSystem/pv-task-kind";
    public const string Kind = "ehr-write-back";
    public const string StatusSystem = "http://patientvoice.example.org/fhir/CodeSystem/pv-ehr-sync-status";
    public const string OutcomeSystem = "http://patientvoice.example.org/fhir/CodeSystem/pv-ehr-sync-outcome";
    public const string IdentifierSystem = "http://patientvoice.example.org/fhir/sid/ehr-sync";

    public static FhirTask Create(EhrSyncMessage message, DeliveryState state, string? reason, IReadOnlyList<ItemOutcome> items, DateTimeOffset queuedAt, DateTimeOffset now)
    {
        var task = new FhirTask
        {
            Id = message.TaskId,
            Identifier = [new Identifier(IdentifierSystem, message.Key)],
            Status = state switch
            {
                DeliveryState.Queued => FhirTask.TaskStatus.Requested,
                DeliveryState.Retrying => FhirTask.TaskStatus.InProgress,
                DeliveryState.Delivered => FhirTask.TaskStatus.Completed,
                _ => FhirTask.TaskStatus.Failed,
            },
            BusinessStatus = new CodeableConcept(StatusSystem, Code(state), Label(state)),
            Intent = FhirTask.TaskIntent.Order,
            Code = new CodeableConcept(KindSystem, Kind, "Write the submission back to the EHR"),
            Description = message.IsPageChange
                ? $"Write this change the patient made on a PatientVoice page ({message.Focus.Split('/')[0]} and its provenance) to the care team's EHR."
                : "Write this submission (the response, its goals, observations, patient note and provenance) to the care team's EHR.",
            Focus = new ResourceReference(message.Focus),
            For = message.Patient is null ? null : new ResourceReference(message.Patient),
            AuthoredOnElement = new FhirDateTime(queuedAt),
            LastModifiedElement = new FhirDateTime(now),
            StatusReason = reason is null ? null : new CodeableConcept { Text = reason },
        };
        foreach (var item in items)
        {
            var output = new FhirTask.OutputComponent
            {
                Type = new CodeableConcept(OutcomeSystem, Code(item.Route)) { Text = item.LocalReference },
            };
            output.Value = item.EhrReference is { } ehr
                ? new ResourceReference(ehr) { Display = item.Reason }
                : new FhirString(item.Reason ?? "not delivered");
            task.Output.Add(output);
        }

        return task;
    }

    public static string Code(DeliveryState state) => state switch
    {
        DeliveryState.Queued => "queued",
        DeliveryState.Retrying => "retrying",
        DeliveryState.Delivered => "delivered",
        _ => "failed",
    };

    private static string Label(DeliveryState state) => state switch
    {
        DeliveryState.Queued => "Queued",
        DeliveryState.Retrying => "Retrying",
        DeliveryState.Delivered => "Delivered",
        _ => "Failed",
    };

    private static string Code(ItemRoute route) => route switch
    {
        ItemRoute.Delivered => "delivered",
        ItemRoute.InPatientNote => "in-patient-note",
        _ => "not-delivered",
    };
}
