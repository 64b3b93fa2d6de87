namespace PatientVoice.Benchmarks;

/// <summary>Where a benchmark keeps its SQLite file: a fresh temp folder, deleted afterwards, or the one asked for (kept).</summary>
internal sealed class ScratchDirectory : IDisposable
{
    private readonly bool _owned;

    public ScratchDirectory(string? path)
    {
        _owned = path is null;
        Path = path ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "patientvoice-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        if (_owned)
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
