namespace PatientVoice.Storage;

/// <summary>What a write did: the version it produced and whether that version created the resource.</summary>
public sealed record WriteResult(StoredResource Stored, bool Created);
