namespace PatientVoice.Storage.Versioning;

/// <summary>What a write does to one resource's history, as <see cref="VersionPolicy"/> decides it.</summary>
internal enum VersionChange
{
    /// <summary>The body is the current version as stored: no version is added and the current one is the result.</summary>
    KeepCurrent,

    /// <summary>No row yet: the resource row and version 1 are inserted (a POST in the history).</summary>
    Create,

    /// <summary>The current version is a tombstone: a live version follows it, and the write counts as a create.</summary>
    Recreate,

    /// <summary>A live version follows a live one; its index rows replace the old ones.</summary>
    Update,

    /// <summary>A tombstone follows a live version; the index rows go with it.</summary>
    Delete,

    /// <summary>A delete with nothing to delete (never existed, or already deleted): no version, the result is null.</summary>
    Nothing,
}
