using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace PatientVoice.Application.Export;

/// <summary>Export files on local disk under <see cref="ExportOptions.Folder"/>, laid out as <see cref="IExportFiles"/> says.</summary>
public sealed partial class LocalExportFiles(IOptions<ExportOptions> options) : IExportFiles
{
    private const string ManifestName = "manifest.json";

    public string Root { get; } = Path.GetFullPath(options.Value.Folder);

    public Stream Create(string jobId, int attempt, string name)
    {
        var path = FilePath(jobId, attempt, name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        return new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
    }

    public Stream? OpenRead(string jobId, int attempt, string name)
    {
        var path = FilePath(jobId, attempt, name);
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1 << 16, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public async Task WriteManifestAsync(string jobId, ExportManifest manifest, CancellationToken cancellationToken)
    {
        var folder = JobFolder(jobId);
        Directory.CreateDirectory(folder);
        var temporary = Path.Combine(folder, $"{ManifestName}.{Guid.NewGuid():N}.tmp");
        await File.WriteAllTextAsync(temporary, manifest.ToJson(), cancellationToken);
        File.Move(temporary, Path.Combine(folder, ManifestName), overwrite: true);
    }

    public async Task<ExportManifest?> ReadManifestAsync(string jobId, CancellationToken cancellationToken)
    {
        try
        {
            return ExportManifest.FromJson(await File.ReadAllTextAsync(Path.Combine(JobFolder(jobId), ManifestName), cancellationToken));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public void DeleteOtherAttempts(string jobId, int keepAttempt)
    {
        var folder = JobFolder(jobId);
        if (!Directory.Exists(folder))
        {
            return;
        }

        File.Delete(Path.Combine(folder, ManifestName));
        foreach (var attempt in Directory.EnumerateDirectories(folder))
        {
            if (!string.Equals(Path.GetFileName(attempt), AttemptFolder(keepAttempt), StringComparison.Ordinal))
            {
                Directory.Delete(attempt, recursive: true);
            }
        }
    }

    public void Delete(string jobId)
    {
        var folder = JobFolder(jobId);
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Already gone.
        }
    }

    public IEnumerable<string> Jobs()
        => Directory.Exists(Root)
            ? Directory.EnumerateDirectories(Root).Select(Path.GetFileName).OfType<string>().Where(name => JobIdPattern().IsMatch(name))
            : [];

    private string JobFolder(string jobId)
        => JobIdPattern().IsMatch(jobId) ? Path.Combine(Root, jobId) : throw new ArgumentException("Not an export job id.", nameof(jobId));

    private string FilePath(string jobId, int attempt, string name)
        => FileNamePattern().IsMatch(name) ? Path.Combine(JobFolder(jobId), AttemptFolder(attempt), name) : throw new ArgumentException("Not an export file name.", nameof(name));

    private static string AttemptFolder(int attempt) => $"attempt-{attempt}";

    [GeneratedRegex("^[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex JobIdPattern();

    [GeneratedRegex("^[A-Za-z]+-[0-9]+\\.ndjson$", RegexOptions.CultureInvariant)]
    private static partial Regex FileNamePattern();
}
