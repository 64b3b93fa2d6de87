namespace PatientVoice.Storage;

/// <summary>
/// What a write did: the version now current, whether it created the resource, and whether it changed
/// nothing (the content was the same as the current version's, so no version was added).
/// </summary>
public sealed record WriteResult(StoredResource Stored, bool Created, bool Unchanged = false);
