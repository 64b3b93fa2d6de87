using System.Text.Json;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Serialization;

namespace PatientVoice.Fhir.Conformance;

/// <summary>
/// Our FHIR NPM package (profiles/): its identity from package.json and every conformance resource in it,
/// one JSON file each. Examples (profiles/examples/) are not part of it.
/// </summary>
public sealed class ConformancePackage
{
    private ConformancePackage(string directory, string name, string version, string canonical, IReadOnlyList<Resource> resources, IReadOnlyList<Questionnaire> previousQuestionnaires)
    {
        PreviousQuestionnaires = previousQuestionnaires;
        Directory = directory;
        Name = name;
        Version = version;
        Canonical = canonical;
        Resources = resources;
    }

    public string Directory { get; }

    public string Name { get; }

    public string Version { get; }

    /// <summary>The canonical base URL, defined once in package.json.</summary>
    public string Canonical { get; }

    public IReadOnlyList<Resource> Resources { get; }

    /// <summary>The current version of each questionnaire we ship: what a patient is offered.</summary>
    public IEnumerable<Questionnaire> Questionnaires => Resources.OfType<Questionnaire>();

    /// <summary>
    /// Earlier versions of our questionnaires (profiles/previous/), shipped unchanged so that a response that names one
    /// (<c>url|0.1.0</c>) still validates and renders against the text it was answered on. Never offered to a patient.
    /// </summary>
    public IReadOnlyList<Questionnaire> PreviousQuestionnaires { get; }

    public IEnumerable<SearchParameter> SearchParameters => Resources.OfType<SearchParameter>();

    public IEnumerable<StructureDefinition> Profiles => Resources.OfType<StructureDefinition>();

    /// <summary>Our Questionnaire named by a canonical (<c>url</c> or <c>url|version</c>), or null.</summary>
    public Questionnaire? FindQuestionnaire(string canonical)
    {
        var wanted = QuestionnaireCanonical.Parse(canonical);
        return Questionnaires.Concat(PreviousQuestionnaires)
            .FirstOrDefault(q => q.Url == wanted.Url && (wanted.Version is null || q.Version == wanted.Version));
    }

    /// <summary>
    /// The valid examples shipped in examples/ (names containing "-valid"), if the folder is there: realistic instances of
    /// each profile, used to warm the validator. Unparseable files are skipped; the example tests catch them.
    /// </summary>
    public IReadOnlyList<Resource> LoadValidExamples()
    {
        var folder = Path.Combine(Directory, "examples");
        if (!System.IO.Directory.Exists(folder))
        {
            return [];
        }

        return System.IO.Directory.EnumerateFiles(folder, "*-valid*.json")
            .Order(StringComparer.Ordinal)
            .Select(f => FhirJson.TryParse(File.ReadAllText(f)).Resource)
            .OfType<Resource>()
            .ToList();
    }

    /// <summary>Reads package.json and every *.json conformance resource beside it; a broken file is an error at start-up.</summary>
    public static ConformancePackage Load(string directory)
    {
        var packageFile = Path.Combine(directory, "package.json");
        if (!File.Exists(packageFile))
        {
            throw new FileNotFoundException(
                $"No FHIR package at '{directory}': package.json is missing. Set ConformanceOptions.ProfilesDirectory to the profiles/ folder.",
                packageFile);
        }

        using var manifest = JsonDocument.Parse(File.ReadAllText(packageFile));
        var root = manifest.RootElement;
        var name = root.GetProperty("name").GetString()!;
        var version = root.GetProperty("version").GetString()!;
        var canonical = root.GetProperty("canonical").GetString()!;

        var resources = new List<Resource>();
        foreach (var file in System.IO.Directory.EnumerateFiles(directory, "*.json", SearchOption.TopDirectoryOnly).Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(file) == "package.json")
            {
                continue;
            }

            var parsed = FhirJson.TryParse(File.ReadAllText(file));
            if (parsed.Resource is null)
            {
                throw new InvalidDataException(
                    $"{Path.GetFileName(file)} in the conformance package is not a FHIR resource: {string.Join("; ", parsed.Issues.Select(i => i.Diagnostics))}");
            }

            resources.Add(parsed.Resource);
        }

        var previous = new List<Questionnaire>();
        var previousFolder = Path.Combine(directory, "previous");
        if (System.IO.Directory.Exists(previousFolder))
        {
            foreach (var file in System.IO.Directory.EnumerateFiles(previousFolder, "Questionnaire-*.json").Order(StringComparer.Ordinal))
            {
                previous.Add(FhirJson.TryParse(File.ReadAllText(file)).Resource as Questionnaire
                    ?? throw new InvalidDataException($"previous/{Path.GetFileName(file)} in the conformance package is not a Questionnaire."));
            }
        }

        return new ConformancePackage(directory, name, version, canonical, resources, previous);
    }
}
