using System.Globalization;
using System.Text;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using PatientVoice.Application.Write;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Search;

namespace PatientVoice.Application.Export;

/// <summary>The job could not go on: its lease was lost (another instance took it over) or its client cancelled it.</summary>
public sealed class ExportInterruptedException(string reason) : Exception(reason);

/// <summary>The job cannot be done (its Group was deleted): it fails, with this reason for its client.</summary>
public sealed class ExportFailedException(string reason) : Exception(reason);

/// <summary>
/// Runs one export job: per type, its queries paged through the store (a page of <see cref="ExportOptions.PageSize"/> at a
/// time, never the whole result in memory), each stored resource's JSON written as one ndjson line, a new file every
/// <see cref="ExportOptions.MaxResourcesPerFile"/> lines. Resources changed after the job's transaction time are left out.
/// After every page <c>heartbeat</c> is told the progress; it throws <see cref="ExportInterruptedException"/> to stop.
/// </summary>
public sealed class ExportRunner(IResourceStore store, SearchQueryParser parser, IExportFiles files, IOptions<ExportOptions> options)
{
    public const string ErrorType = "OperationOutcome";

    public async Task<ExportManifest> RunAsync(ExportJob job, int attempt, Func<string, CancellationToken, System.Threading.Tasks.Task> heartbeat, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        files.DeleteOtherAttempts(job.Id, attempt);
        var issues = job.Warnings.Select(w => Outcome(OperationOutcome.IssueSeverity.Warning, OperationOutcome.IssueType.NotSupported, w)).ToList();
        var members = job.GroupId is null ? null : await GroupMembersAsync(job.GroupId, cancellationToken);
        var output = new List<ExportFile>();
        long written = 0;
        foreach (var plan in job.Types)
        {
            await using var writer = new NdjsonFileWriter(files, job.Id, attempt, plan.Type, settings.MaxResourcesPerFile);
            var queries = Queries(job, plan, members, settings).ToList();
            // Several queries (ORed _typeFilters, patients in chunks) may match one resource: it is written once. The ids
            // are kept only then; one query (the usual export) pages through with nothing held.
            var seen = queries.Count > 1 ? new HashSet<string>(StringComparer.Ordinal) : null;
            foreach (var query in queries)
            {
                string? cursor = null;
                do
                {
                    var page = await store.SearchAsync(query with { Cursor = cursor }, cancellationToken);
                    foreach (var match in page.Matches)
                    {
                        if (match.Json is not null && match.LastUpdated <= job.TransactionTime && (seen is null || seen.Add(match.Id)))
                        {
                            await writer.WriteAsync(match.Json, cancellationToken);
                        }
                    }

                    cursor = page.NextCursor;
                    await heartbeat(string.Create(CultureInfo.InvariantCulture, $"{plan.Type}: {writer.Count} written; {written + writer.Count} in all"), cancellationToken);
                }
                while (cursor is not null);
            }

            await writer.DisposeAsync();
            written += writer.Count;
            output.AddRange(writer.Files);
        }

        var errors = new List<ExportFile>();
        if (issues.Count > 0)
        {
            await using var writer = new NdjsonFileWriter(files, job.Id, attempt, ErrorType, int.MaxValue);
            foreach (var issue in issues)
            {
                await writer.WriteAsync(FhirSerializer.ToJson(issue), cancellationToken);
            }

            await writer.DisposeAsync();
            errors.AddRange(writer.Files);
        }

        return new ExportManifest(attempt, output, errors);
    }

    /// <summary>The patients a Group names as active members (<c>Patient/{id}</c> references), in order, once each.</summary>
    private async Task<IReadOnlyList<string>> GroupMembersAsync(string groupId, CancellationToken cancellationToken)
    {
        var stored = await store.ReadAsync("Group", groupId, cancellationToken);
        if (stored?.Json is null)
        {
            throw new ExportFailedException($"Group/{groupId} was deleted before the export ran.");
        }

        var group = FhirSerializer.Parse<Group>(stored.Json);
        return group.Member.Where(m => m.Inactive != true)
            .Select(m => PatientId(m.Entity?.Reference))
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary><c>Patient/123</c> or an absolute URL ending so: <c>123</c>; anything else null.</summary>
    public static string? PatientId(string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            return null;
        }

        var segments = reference.TrimEnd('/').Split('/');
        return segments.Length >= 2 && segments[^2] == "Patient" && segments[^1].Length > 0 ? segments[^1] : null;
    }

    private IEnumerable<SearchQuery> Queries(ExportJob job, ExportTypePlan plan, IReadOnlyList<string>? members, ExportOptions settings)
    {
        var common = new List<KeyValuePair<string, string>> { new("_count", Math.Min(settings.PageSize, SearchQuery.MaxCount).ToString(CultureInfo.InvariantCulture)) };
        if (job.Since is { } since)
        {
            common.Add(new("_lastUpdated", "gt" + since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)));
        }

        // The patients this type is limited to: the Group's members, within the plan's own list.
        var patients = members;
        if (plan.Patients is { } listed)
        {
            patients = patients is null ? listed : patients.Intersect(listed, StringComparer.Ordinal).ToList();
        }

        IEnumerable<List<KeyValuePair<string, string>>> scopes;
        if (plan.PatientParameter is null)
        {
            scopes = [[]];
        }
        else if (patients is not null)
        {
            scopes = patients.Chunk(Math.Max(1, settings.PatientsPerQuery))
                .Select(chunk => new List<KeyValuePair<string, string>> { new(plan.PatientParameter, string.Join(',', chunk.Select(id => "Patient/" + id))) });
        }
        else if (plan.AnyPatient)
        {
            scopes = [[new(plan.PatientParameter + ":missing", "false")]];
        }
        else
        {
            scopes = [[]];
        }

        var filters = plan.Filters.Count == 0 ? [string.Empty] : plan.Filters;
        foreach (var scope in scopes)
        {
            foreach (var filter in filters)
            {
                yield return parser.Parse(plan.Type, [.. common, .. scope, .. SearchCriteria.Parse(filter)], strict: true) with { Total = TotalMode.None };
            }
        }
    }

    private static OperationOutcome Outcome(OperationOutcome.IssueSeverity severity, OperationOutcome.IssueType code, string diagnostics)
        => new() { Issue = [new OperationOutcome.IssueComponent { Severity = severity, Code = code, Diagnostics = diagnostics }] };

    /// <summary>The ndjson files of one type: <c>{Type}-1.ndjson</c>, <c>{Type}-2.ndjson</c>, … each at most <c>maxPerFile</c> lines.</summary>
    private sealed class NdjsonFileWriter(IExportFiles files, string jobId, int attempt, string type, int maxPerFile) : IAsyncDisposable
    {
        private readonly List<ExportFile> _files = [];
        private StreamWriter? _current;
        private string? _currentName;
        private long _inCurrent;

        public long Count { get; private set; }

        public IReadOnlyList<ExportFile> Files => _files;

        public async ValueTask WriteAsync(string json, CancellationToken cancellationToken)
        {
            if (_current is null || _inCurrent >= maxPerFile)
            {
                await CloseAsync();
                _currentName = string.Create(CultureInfo.InvariantCulture, $"{type}-{_files.Count + 1}.ndjson");
                _current = new StreamWriter(files.Create(jobId, attempt, _currentName), new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
                _inCurrent = 0;
            }

            // Stored JSON is written compact; a line break inside would split the line, so such a body is re-serialized.
            var line = json.Contains('\n', StringComparison.Ordinal) ? FhirSerializer.ToJson(FhirSerializer.Parse<Resource>(json)) : json;
            cancellationToken.ThrowIfCancellationRequested();
            await _current.WriteAsync(line);
            await _current.WriteAsync('\n');
            _inCurrent++;
            Count++;
        }

        public async ValueTask DisposeAsync() => await CloseAsync();

        private async ValueTask CloseAsync()
        {
            if (_current is null)
            {
                return;
            }

            await _current.FlushAsync();
            await _current.DisposeAsync();
            _files.Add(new ExportFile(type, _currentName!, _inCurrent));
            _current = null;
        }
    }
}
