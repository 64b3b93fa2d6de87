using System.Collections.Frozen;
using System.IO.Compression;
using System.Text.Json;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Source;

namespace PatientVoice.Fhir.Conformance;

/// <summary>
/// Resolves conformance resources from profiles-compiled.zip (see <see cref="CompiledPackageFormat"/>): our package with
/// snapshots generated at build time plus the R4 core StructureDefinitions, ValueSets and CodeSystems. Opening it reads
/// only the index (milliseconds); a resource is read and parsed when first asked for, and the caller caches it
/// (<see cref="ConformanceResolver"/> wraps this in a <see cref="CachedResolver"/>). Thread-safe.
/// </summary>
public sealed class CompiledPackageResolver : IAsyncResourceResolver, IDisposable
{
    private static readonly JsonSerializerOptions IndexJson = new(JsonSerializerDefaults.Web);

    // The spec's own resources, and ours, as written by the builder: parsed leniently (the core specification has
    // a few values the strict parser would refuse), exactly what the validator used to get from ZipSource.
    private static readonly FhirJsonDeserializer Parser = new(new DeserializerSettings().UsingMode(DeserializationMode.Recoverable));

    private readonly ZipArchive _zip;
    private readonly Lock _read = new();
    private readonly FrozenDictionary<string, string> _byCanonical;

    private CompiledPackageResolver(ZipArchive zip, FrozenDictionary<string, string> byCanonical, IReadOnlyCollection<string> canonicals, string sourceHash)
    {
        _zip = zip;
        Canonicals = canonicals;
        _byCanonical = byCanonical;
        SourceHash = sourceHash;
    }

    /// <summary>The hash of the profiles/ files the package was compiled from.</summary>
    public string SourceHash { get; }

    /// <summary>How many conformance resources the package holds.</summary>
    public int Count => _byCanonical.Count(e => !e.Key.Contains('|', StringComparison.Ordinal));

    /// <summary>The canonical URL of every conformance resource the package holds, as the resource states it.</summary>
    public IReadOnlyCollection<string> Canonicals { get; }

    public static CompiledPackageResolver Open(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The compiled FHIR package is not at '{path}'. It is written at build time by tools/PatientVoice.Fhir.PackageBuilder (PatientVoice.Fhir's build); set ConformanceOptions.CompiledPackagePath otherwise.",
                path);
        }

        var zip = ZipFile.OpenRead(path);
        try
        {
            CompiledPackageFormat.Index index;
            using (var stream = (zip.GetEntry(CompiledPackageFormat.IndexEntry) ?? throw new InvalidDataException($"'{path}' has no {CompiledPackageFormat.IndexEntry}.")).Open())
            {
                index = JsonSerializer.Deserialize<CompiledPackageFormat.Index>(stream, IndexJson)
                    ?? throw new InvalidDataException($"'{path}' has an empty index.");
            }

            var byCanonical = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var entry in index.Resources)
            {
                byCanonical.TryAdd(entry.Url, entry.Path);
                if (entry.Version is not null)
                {
                    byCanonical.TryAdd($"{entry.Url}|{entry.Version}", entry.Path);
                }
            }

            return new CompiledPackageResolver(zip, byCanonical.ToFrozenDictionary(StringComparer.Ordinal), [.. index.Resources.Select(e => e.Url)], index.SourceHash);
        }
        catch
        {
            zip.Dispose();
            throw;
        }
    }

    public Task<Resource?> ResolveByUriAsync(string uri) => System.Threading.Tasks.Task.FromResult(Load(uri));

    public Task<Resource?> ResolveByCanonicalUriAsync(string uri) => System.Threading.Tasks.Task.FromResult(Load(uri));

    public Task<ResolverResult> TryResolveByUriAsync(string uri) => System.Threading.Tasks.Task.FromResult(Result(uri));

    public Task<ResolverResult> TryResolveByCanonicalUriAsync(string uri) => System.Threading.Tasks.Task.FromResult(Result(uri));

    public void Dispose() => _zip.Dispose();

    private ResolverResult Result(string uri) => Load(uri) is { } resource
        ? resource
        : new ResolverException(ResolverException.NOT_FOUND, $"'{uri}' is not in the compiled FHIR package.");

    private Resource? Load(string uri)
    {
        if (!_byCanonical.TryGetValue(uri, out var path))
        {
            return null;
        }

        byte[] bytes;
        lock (_read)
        {
            using var stream = _zip.GetEntry(path)!.Open();
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            bytes = buffer.ToArray();
        }

        var reader = new Utf8JsonReader(bytes);
        Parser.TryDeserializeResource(ref reader, out var resource, out _);
        return resource;
    }
}
