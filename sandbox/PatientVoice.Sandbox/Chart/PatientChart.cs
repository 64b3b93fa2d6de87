using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Search;

namespace PatientVoice.Sandbox.Chart;

/// <summary>One note in the chart: who wrote it (clinician or patient), when, and its text or HTML.</summary>
public sealed record ChartNote(string Title, string? Date, string? Author, string Body, bool IsHtml);

/// <summary>What the chart shows of one patient, read from the EHR's own store.</summary>
public sealed record PatientChart(
    Patient Patient,
    IReadOnlyList<ChartNote> ClinicianNotes,
    IReadOnlyList<ChartNote> PatientNotes,
    IReadOnlyList<Goal> Goals,
    IReadOnlyList<Observation> InTheirWords,
    string Stamp);

/// <summary>
/// Reads a patient's chart from the EHR store: clinician notes on one side, and on the other what arrived
/// from PatientVoice — the patient's goals, their preference and self-knowledge observations, and patient
/// notes (LOINC 51855-5).
/// </summary>
public sealed class PatientChartReader(IResourceStore store, SearchQueryParser parser)
{
    private const string PatientNoteCode = "51855-5";

    public async Task<PatientChart?> ReadAsync(string patientId, CancellationToken cancellationToken)
    {
        if (await store.ReadAsync("Patient", patientId, cancellationToken) is not { Json: { } json }
            || JsonSerializer.Deserialize<Resource>(json, FhirSerializer.JsonOptions) is not Patient patient)
        {
            return null;
        }

        var versions = new List<string>();
        var documents = await SearchAsync<DocumentReference>("DocumentReference", patientId, versions, cancellationToken);
        var isPatientNote = (DocumentReference d) => d.Type?.Coding.Any(c => c.Code == PatientNoteCode) == true;
        var goals = await SearchAsync<Goal>("Goal", patientId, versions, cancellationToken);
        var observations = (await SearchAsync<Observation>("Observation", patientId, versions, cancellationToken))
            .Where(o => o.Value is FhirString)
            .ToList();
        return new PatientChart(
            patient,
            documents.Where(d => !isPatientNote(d)).Select(Note).OrderByDescending(n => n.Date, StringComparer.Ordinal).ToList(),
            documents.Where(isPatientNote).Select(Note).OrderByDescending(n => n.Date, StringComparer.Ordinal).ToList(),
            goals,
            observations,
            Stamp(versions));
    }

    /// <summary>A short digest of every version the chart was read from: it changes when anything shown changes.</summary>
    private static string Stamp(List<string> versions)
    {
        versions.Sort(StringComparer.Ordinal);
        var digest = System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', versions)));
        return Convert.ToHexString(digest, 0, 8);
    }

    private async Task<List<T>> SearchAsync<T>(string type, string patientId, List<string> versions, CancellationToken cancellationToken)
        where T : Resource
    {
        var query = parser.Parse(type, [new("patient", $"Patient/{patientId}"), new("_sort", "-_lastUpdated")], strict: true) with { Count = 200 };
        var result = await store.SearchAsync(query, cancellationToken);
        versions.AddRange(result.Matches.Select(m => m.VersionedReference));
        return result.Matches.Where(m => m.Json is not null)
            .Select(m => JsonSerializer.Deserialize<Resource>(m.Json!, FhirSerializer.JsonOptions))
            .OfType<T>()
            .ToList();
    }

    private static ChartNote Note(DocumentReference document)
    {
        var attachment = document.Content.FirstOrDefault()?.Attachment;
        var body = attachment?.Data is { } data ? Encoding.UTF8.GetString(data) : attachment?.Url ?? string.Empty;
        var isHtml = attachment?.ContentType?.StartsWith("text/html", StringComparison.OrdinalIgnoreCase) == true;
        return new ChartNote(
            document.Description ?? document.Type?.Text ?? document.Type?.Coding.FirstOrDefault()?.Display ?? "Note",
            document.Date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            document.Author.FirstOrDefault()?.Display ?? document.Author.FirstOrDefault()?.Reference,
            body,
            isHtml);
    }
}
