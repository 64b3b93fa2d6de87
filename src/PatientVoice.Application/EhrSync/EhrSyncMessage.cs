using System.Text.Json;
using PatientVoice.Storage;

namespace PatientVoice.Application.EhrSync;

/// <summary>
/// The outbox payload of one write-back: ids only. For a submission, <paramref name="Items"/> are the other resources
/// the submission wrote (<c>Goal/123</c>: extracted, or ended because the patient took them out). For a change made on a
/// patient page (<paramref name="Change"/>, e.g. <c>Goal/123/_history/3</c>: a goal added, reworded or ended on My
/// goals) there is no response: <paramref name="Items"/> is that resource and <paramref name="ProvenanceId"/> the change's
/// Provenance. The worker reads the current versions when it delivers, so a late retry never sends stale words.
/// </summary>
public sealed record EhrSyncMessage(string ResponseId, int ResponseVersion, string ProvenanceId, string? Patient, IReadOnlyList<string> Items, string? Change = null)
{
    public const string Topic = "ehr-write-back";

    /// <summary>A change made on a patient page rather than a submission.</summary>
    public bool IsPageChange => Change is not null;

    /// <summary>The outbox key and the Task identifier: one per stored version of the response (or of the changed resource).</summary>
    public string Key => Change is { } change ? change.Replace("/_history/", "/", StringComparison.Ordinal) : $"{ResponseId}/{ResponseVersion}";

    /// <summary>The id of the Task that records this delivery's status.</summary>
    public string TaskId => Change is { } change
        ? "ehrsync-" + change.Replace("/_history/", "-", StringComparison.Ordinal).Replace('/', '-').ToLowerInvariant()
        : $"ehrsync-{ResponseId}-{ResponseVersion}";

    /// <summary>What the write-back is about: the response, or the resource changed on a page.</summary>
    public string Focus => Change is { } change ? change[..change.IndexOf("/_history/", StringComparison.Ordinal)] : $"QuestionnaireResponse/{ResponseId}";

    /// <summary>A change made on a patient page: the version it made, and its Provenance.</summary>
    public static EhrSyncMessage ForPageChange(StoredResource changed, StoredResource provenance, string patient)
        => new(string.Empty, 0, provenance.Id, patient, [$"{changed.ResourceType}/{changed.Id}"], changed.VersionedReference);

    public string ToJson() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);

    public static EhrSyncMessage FromJson(string json)
        => JsonSerializer.Deserialize<EhrSyncMessage>(json, JsonSerializerOptions.Web) ?? throw new JsonException("An empty EHR write-back message.");
}
