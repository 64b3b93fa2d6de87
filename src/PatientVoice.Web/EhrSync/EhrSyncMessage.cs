using System.Text.Json;

namespace PatientVoice.Web.EhrSync;

/// <summary>
/// The outbox payload of one submission's write-back: ids only. <paramref name="Items"/> are the other resources the
/// submission wrote (<c>Goal/123</c>: extracted, or ended because the patient took them out). The worker reads the current
/// versions when it delivers, so a late retry of an older submission never sends stale words.
/// </summary>
public sealed record EhrSyncMessage(string ResponseId, int ResponseVersion, string ProvenanceId, string? Patient, IReadOnlyList<string> Items)
{
    public const string Topic = "ehr-write-back";

    /// <summary>The outbox key and the Task identifier: one per stored version of the response.</summary>
    public string Key => $"{ResponseId}/{ResponseVersion}";

    /// <summary>The id of the Task that records this delivery's status.</summary>
    public string TaskId => $"ehrsync-{ResponseId}-{ResponseVersion}";

    public string ToJson() => JsonSerializer.Serialize(this, JsonSerializerOptions.Web);

    public static EhrSyncMessage FromJson(string json)
        => JsonSerializer.Deserialize<EhrSyncMessage>(json, JsonSerializerOptions.Web) ?? throw new JsonException("An empty EHR write-back message.");
}
