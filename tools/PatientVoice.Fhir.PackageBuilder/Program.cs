using System.IO.Compression;
using System.Text.Json;
using System.Xml;
using Hl7.Fhir.Model;
using Hl7.Fhir.Serialization;
using Hl7.Fhir.Specification.Snapshot;
using Hl7.Fhir.Specification.Source;
using PatientVoice.Fhir.Conformance;

// Build-time compiler of our FHIR package: every conformance resource the validator may resolve (ours from profiles/,
// the R4 core StructureDefinitions, ValueSets and CodeSystems from specification.zip), our StructureDefinitions with
// their snapshots generated here, one JSON entry each in a zip with an index. At run time PatientVoice.Fhir
// (Conformance/CompiledPackageResolver) reads only the entries it is asked for, so nothing is generated at start-up.
//   PatientVoice.Fhir.PackageBuilder <profiles dir> <specification.zip> <output zip>
if (args.Length != 3)
{
    Console.Error.WriteLine("usage: PatientVoice.Fhir.PackageBuilder <profiles dir> <specification.zip> <output zip>");
    return 2;
}

var (profilesDirectory, specificationZip, output) = (args[0], args[1], args[2]);
var clock = System.Diagnostics.Stopwatch.StartNew();
var json = new JsonSerializerOptions().ForFhir();

// Ours: the same files ConformancePackage.Load reads (top-level *.json but package.json).
var ourFiles = CompiledPackageFormat.SourceFiles(profilesDirectory);
var ours = ourFiles.Select(f => JsonSerializer.Deserialize<Resource>(File.ReadAllText(f), json)!).ToList();

// Core: the bundles in specification.zip that hold conformance resources, parsed once each.
var core = new List<Resource>();
var xml = new FhirXmlDeserializer();
using (var zip = ZipFile.OpenRead(specificationZip))
{
    foreach (var name in new[] { "profiles-types.xml", "profiles-resources.xml", "profiles-others.xml", "extension-definitions.xml", "valuesets.xml", "v3-codesystems.xml", "v2-tables.xml" })
    {
        using var stream = zip.GetEntry(name)!.Open();
        using var reader = XmlReader.Create(stream, new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, IgnoreComments = true });
        reader.MoveToContent();
        xml.TryDeserializeResource(reader, out var parsed, out _);
        var bundle = parsed as Bundle ?? throw new InvalidDataException($"{name} in {specificationZip} is not a Bundle.");
        core.AddRange(bundle.Entry.Select(e => e.Resource).Where(r => r is StructureDefinition or ValueSet or CodeSystem).OfType<Resource>());
    }
}

// Snapshots for ours, generated exactly as the validator used to at start-up (SnapshotSource's default settings), over
// our resources first and then the core specification.
var resolver = new CachedResolver(new MultiResolver(new InMemoryResourceResolver(ours), new InMemoryResourceResolver(core)));
var generator = new SnapshotGenerator(resolver, SnapshotGeneratorSettings.CreateDefault());
foreach (var profile in ours.OfType<StructureDefinition>())
{
    await generator.UpdateAsync(profile);
    var errors = generator.Outcome?.Issue.Where(i => i.Severity is OperationOutcome.IssueSeverity.Error or OperationOutcome.IssueSeverity.Fatal).ToList() ?? [];
    if (errors.Count > 0)
    {
        Console.Error.WriteLine($"snapshot of {profile.Url}: {string.Join("; ", errors.Select(e => e.Details?.Text ?? e.Diagnostics))}");
        return 1;
    }
}

// Ours win over core for the same canonical (as the run-time resolver order did).
var index = new List<CompiledPackageFormat.Entry>();
var seen = new HashSet<string>(StringComparer.Ordinal);
Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
var temporary = output + ".tmp";
using (var file = File.Create(temporary))
using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
{
    var n = 0;
    foreach (var resource in ours.Concat(core))
    {
        var url = (resource as IVersionableConformanceResource)?.Url;
        if (url is null || !seen.Add(url))
        {
            continue;
        }

        var entryName = $"{resource.TypeName}/{n++}.json";
        using (var entry = zip.CreateEntry(entryName, CompressionLevel.Fastest).Open())
        {
            JsonSerializer.Serialize(entry, resource, json);
        }

        index.Add(new CompiledPackageFormat.Entry(url, (resource as IVersionableConformanceResource)?.Version, resource.TypeName, entryName));
    }

    using var indexEntry = zip.CreateEntry(CompiledPackageFormat.IndexEntry, CompressionLevel.Fastest).Open();
    JsonSerializer.Serialize(indexEntry, new CompiledPackageFormat.Index(CompiledPackageFormat.Hash(ourFiles), index));
}

File.Move(temporary, output, overwrite: true);
Console.WriteLine($"{output}: {index.Count} resources ({ours.OfType<StructureDefinition>().Count()} snapshots generated) in {clock.ElapsedMilliseconds} ms");
return 0;
