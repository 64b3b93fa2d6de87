using System.Text.Json;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Search;

namespace PatientVoice.Application.EhrSync;

/// <summary>
/// For the patient pages: where the write-back of a response stands ("sent to your care team's record"), read from the
/// latest Task about it. Null when nothing was queued (write-back off, or a draft).
/// </summary>
public sealed class EhrSyncStatusReader(IResourceStore store, SearchQueryParser parser)
{
    public async Task<EhrSyncStatus?> ForResponseAsync(string responseId, CancellationToken cancellationToken)
    {
        var query = parser.Parse("Task",
        [
            new("focus", $"QuestionnaireResponse/{responseId}"),
            new("code", $"{EhrSyncTask.KindSystem}|{EhrSyncTask.Kind}"),
            new("_sort", "-_lastUpdated"),
        ], strict: true) with { Count = 1 };
        if ((await store.SearchAsync(query, cancellationToken)).Matches is not [{ Json: { } json, Id: var id }, ..]
            || FhirSerializer.Parse<Resource>(json) is not Hl7.Fhir.Model.Task task)
        {
            return null;
        }

        var state = task.BusinessStatus?.Coding.FirstOrDefault(c => c.System == EhrSyncTask.StatusSystem)?.Code switch
        {
            "delivered" => DeliveryState.Delivered,
            "failed" => DeliveryState.Failed,
            "retrying" => DeliveryState.Retrying,
            _ => DeliveryState.Queued,
        };
        var updated = task.LastModifiedElement?.ToDateTimeOffset(TimeSpan.Zero);
        return new EhrSyncStatus(state, task.StatusReason?.Text, updated, id);
    }
}
