using System.Text.Json;

namespace PatientVoice.Application.Export;

/// <summary>One ndjson file of a completed export: its type (OperationOutcome for the error files), name and line count.</summary>
public sealed record ExportFile(string Type, string Name, long Count);

/// <summary>
/// What a completed job wrote, kept beside its files (<c>{job}/manifest.json</c>): the output files per type and the
/// error files. The status endpoint turns it into the Bulk Data completion manifest with this server's URLs.
/// </summary>
public sealed record ExportManifest(int Attempt, IReadOnlyList<ExportFile> Output, IReadOnlyList<ExportFile> Errors)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerOptions.Web);

    public ExportFile? Find(string name)
        => Output.Concat(Errors).FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.Ordinal));

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static ExportManifest FromJson(string json)
        => JsonSerializer.Deserialize<ExportManifest>(json, Json) ?? throw new JsonException("An empty export manifest.");
}
