using System.Security.Cryptography;
using System.Text;

namespace PatientVoice.Fhir.Conformance;

/// <summary>
/// The layout of profiles-compiled.zip, written at build time by tools/PatientVoice.Fhir.PackageBuilder and read by
/// <see cref="CompiledPackageResolver"/> (this file is compiled into both): an index entry and one FHIR JSON entry per
/// conformance resource, StructureDefinitions with their snapshots. The index carries a hash of the profiles/ files it
/// was built from, so a package that no longer matches profiles/ is refused at start-up instead of validating by stale rules.
/// </summary>
internal static class CompiledPackageFormat
{
    public const string FileName = "profiles-compiled.zip";

    public const string IndexEntry = "index.json";

    public sealed record Entry(string Url, string? Version, string Type, string Path);

    public sealed record Index(string SourceHash, IReadOnlyList<Entry> Resources);

    /// <summary>The conformance resources of a package folder: top-level *.json but package.json, in ordinal order.</summary>
    public static IReadOnlyList<string> SourceFiles(string profilesDirectory) =>
        Directory.EnumerateFiles(profilesDirectory, "*.json", SearchOption.TopDirectoryOnly)
            .Where(f => Path.GetFileName(f) != "package.json")
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>SHA-256 over each file's name and bytes.</summary>
    public static string Hash(IEnumerable<string> files)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var file in files)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(Path.GetFileName(file) + "\n"));
            hash.AppendData(File.ReadAllBytes(file));
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }
}
