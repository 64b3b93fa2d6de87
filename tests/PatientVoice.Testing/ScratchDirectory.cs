namespace PatientVoice.Testing;

/// <summary>
/// A folder for a run's SQLite files: a fresh one under the system temp folder, deleted with everything in it
/// on dispose, or the one asked for, created if need be and kept.
/// </summary>
public sealed class ScratchDirectory : IDisposable
{
    private readonly bool _owned;

    public ScratchDirectory(string? keep = null)
    {
        _owned = keep is null;
        Path = keep ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "patientvoice-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose()
    {
        if (!_owned)
        {
            return;
        }

        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temp folder left behind is not a failure.
        }
    }
}
