using PatientVoice.Storage;

namespace PatientVoice.Application.Write;

/// <summary>
/// The result of a write: the version now current, whether this write created the resource (201) or not (200), and
/// whether it wrote a version at all (false: a conditional create that found its match, or a body unchanged as stored).
/// </summary>
public sealed record WriteOutcome(StoredResource Stored, bool Created, bool Written = true);
