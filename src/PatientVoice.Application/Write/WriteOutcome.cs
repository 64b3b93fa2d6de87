using PatientVoice.Storage;

namespace PatientVoice.Application.Write;

/// <summary>The result of a write: the version now current, and whether this write created the resource (201) or not (200).</summary>
public sealed record WriteOutcome(StoredResource Stored, bool Created);
