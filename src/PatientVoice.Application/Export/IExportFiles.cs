namespace PatientVoice.Application.Export;

/// <summary>
/// Where export files live, in a blob-store shape: per job a container-like prefix <c>{job}/</c> holding
/// <c>manifest.json</c> and the attempt's files <c>attempt-{n}/{Type}-{k}.ndjson</c>. The local-disk adapter is
/// <see cref="LocalExportFiles"/>; a blob adapter implements the same calls.
/// </summary>
public interface IExportFiles
{
    /// <summary>A new file of <paramref name="attempt"/> for writing (replaced if it exists).</summary>
    Stream Create(string jobId, int attempt, string name);

    /// <summary>A file of a completed attempt for reading, or null.</summary>
    Stream? OpenRead(string jobId, int attempt, string name);

    /// <summary>Writes the manifest atomically: readers see the old one, none, or the whole new one.</summary>
    Task WriteManifestAsync(string jobId, ExportManifest manifest, CancellationToken cancellationToken);

    /// <summary>The manifest of a completed job, or null when there is none (not complete, deleted, expired).</summary>
    Task<ExportManifest?> ReadManifestAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Removes the files of every attempt other than <paramref name="keepAttempt"/>, and the manifest.</summary>
    void DeleteOtherAttempts(string jobId, int keepAttempt);

    /// <summary>Removes everything of the job. Nothing there is not an error.</summary>
    void Delete(string jobId);

    /// <summary>The jobs that have files.</summary>
    IEnumerable<string> Jobs();
}
