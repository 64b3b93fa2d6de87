using System.Globalization;
using System.Text.Json;
using Hl7.Fhir.Model;
using PatientVoice.Application.Export;
using PatientVoice.Fhir.Errors;
using PatientVoice.Storage;
using PatientVoice.Web.FhirApi.Errors;
using PatientVoice.Web.FhirApi.Formats;
using PatientVoice.Web.Security;

namespace PatientVoice.Web.FhirApi.Export;

/// <summary>
/// FHIR Bulk Data Access 2.0.0 <c>$export</c> (docs/adr/0022-bulk-export.md): the kick-off at system, Patient and Group
/// level (GET with query parameters, or POST with a Parameters body) answering 202 with the status URL in
/// <c>Content-Location</c>; the status URL (202 with <c>X-Progress</c> and <c>Retry-After</c> while running, 200 with the
/// completion manifest, DELETE to cancel); and the ndjson files. Status and files are their starting client's only.
/// Every request is audited by the FHIR API's access filter.
/// </summary>
public static class ExportEndpoints
{
    public const string StatusPath = "$export-status";
    public const string FilePath = "$export-file";
    public const string NdjsonMediaType = "application/fhir+ndjson";

    public static void Map(RouteGroupBuilder fhir)
    {
        string[] kickOffMethods = ["GET", "POST"];
        fhir.MapMethods("/$export", kickOffMethods, (HttpRequest request, FhirRequestBody body, ExportKickOffServices services, CancellationToken ct)
            => KickOffAsync(ExportLevel.System, null, request, body, services, ct))
            .WithName("export-system").WithSummary("Bulk Data export of the whole server (Prefer: respond-async)").DisableAntiforgery();
        fhir.MapMethods("/Patient/$export", kickOffMethods, (HttpRequest request, FhirRequestBody body, ExportKickOffServices services, CancellationToken ct)
            => KickOffAsync(ExportLevel.Patient, null, request, body, services, ct))
            .WithName("export-patient").WithSummary("Bulk Data export of every patient's compartment (Prefer: respond-async)").DisableAntiforgery();
        fhir.MapMethods("/Group/{id}/$export", kickOffMethods, (string id, HttpRequest request, FhirRequestBody body, ExportKickOffServices services, CancellationToken ct)
            => KickOffAsync(ExportLevel.Group, id, request, body, services, ct))
            .WithName("export-group").WithSummary("Bulk Data export of the compartments of a Group's member patients (Prefer: respond-async)").DisableAntiforgery();
        fhir.MapGet($"/{StatusPath}/{{id}}", StatusAsync).WithName("export-status").WithSummary("Status of a Bulk Data export: 202 while running, 200 with the manifest");
        fhir.MapDelete($"/{StatusPath}/{{id}}", CancelAsync).WithName("export-cancel").WithSummary("Cancel a Bulk Data export, or delete its files");
        fhir.MapGet($"/{FilePath}/{{id}}/{{file}}", FileAsync).WithName("export-file").WithSummary("One ndjson file of a completed Bulk Data export")
            .WithMetadata(new OwnMediaTypes());
    }

    private static async Task<IResult> KickOffAsync(ExportLevel level, string? groupId, HttpRequest request, FhirRequestBody body, ExportKickOffServices services, CancellationToken cancellationToken)
    {
        var grant = GrantOf(request.HttpContext);
        var prefer = request.Headers["Prefer"].ToString();
        if (!prefer.Contains("respond-async", StringComparison.OrdinalIgnoreCase))
        {
            throw new BadRequestException("$export runs asynchronously: send the header Prefer: respond-async.");
        }

        var lenient = prefer.Contains("handling=lenient", StringComparison.OrdinalIgnoreCase);
        var parameters = FhirRequest.QueryPairs(request.Query).Select(p => new ExportKickOff.Parameter(p.Key, p.Value, null)).ToList();
        if (request.Method == HttpMethods.Post && (request.ContentLength > 0 || request.ContentType is not null))
        {
            if (await body.ReadAsync(request, cancellationToken) is not Parameters posted)
            {
                throw new BadRequestException("A POSTed $export takes a Parameters resource.");
            }

            parameters.AddRange(posted.Parameter.Select(p => new ExportKickOff.Parameter(p.Name ?? string.Empty, ValueText(p.Value), (p.Value as ResourceReference)?.Reference)));
        }
        else if (parameters.Any(p => p.Name == "patient"))
        {
            throw new BadRequestException("The patient parameter is sent in a POSTed Parameters resource (as a reference), not in the query.", "patient");
        }

        if (groupId is not null)
        {
            await RequireGroupAsync(groupId, grant, services.Store, cancellationToken);
        }

        var job = services.KickOff.Plan(level, groupId, parameters, grant, lenient,
            $"{FhirRequest.BaseUrl(request)}{request.Path.Value?[FhirRequest.BasePath.Length..]}{request.QueryString}", StoreClock.Now(services.Time));
        await services.Export.StartAsync(job, cancellationToken);
        request.HttpContext.Response.Headers["Content-Location"] = $"{FhirRequest.BaseUrl(request)}/{StatusPath}/{job.Id}";
        var outcome = OperationOutcomeExceptionHandler.Outcome(OperationOutcome.IssueType.Informational,
            $"Export {job.Id} accepted: poll the Content-Location URL for its status ({job.Types.Count} types: {string.Join(", ", job.Types.Select(t => t.Type))}).",
            OperationOutcome.IssueSeverity.Information);
        foreach (var warning in job.Warnings)
        {
            outcome.Issue.Add(new OperationOutcome.IssueComponent { Severity = OperationOutcome.IssueSeverity.Warning, Code = OperationOutcome.IssueType.NotSupported, Diagnostics = warning });
        }

        return FhirResult.Of(StatusCodes.Status202Accepted, outcome);
    }

    private static async Task<IResult> StatusAsync(string id, HttpContext http, BulkExport export, Microsoft.Extensions.Options.IOptions<ExportOptions> options, CancellationToken cancellationToken)
    {
        var status = await export.StatusAsync(id, OwnerOf(http), cancellationToken);
        switch (status)
        {
            case ExportStatus.InProgress running:
                http.Response.Headers["X-Progress"] = running.Progress.Length <= 100 ? running.Progress : running.Progress[..100];
                http.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(options.Value.RetryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return FhirResult.Empty(StatusCodes.Status202Accepted);
            case ExportStatus.Completed completed:
                http.Response.Headers.Expires = completed.ExpiresAt.ToString("R", CultureInfo.InvariantCulture);
                return Results.Text(Manifest(completed, FhirRequest.BaseUrl(http.Request)), "application/json; charset=utf-8", statusCode: StatusCodes.Status200OK);
            default:
                throw Problem(id, status);
        }
    }

    private static async Task<IResult> CancelAsync(string id, HttpContext http, BulkExport export, CancellationToken cancellationToken)
        => await export.CancelAsync(id, OwnerOf(http), cancellationToken)
            ? FhirResult.Of(StatusCodes.Status202Accepted, OperationOutcome.ForMessage($"Export {id} is cancelled and its files are deleted.", OperationOutcome.IssueType.Informational, OperationOutcome.IssueSeverity.Information))
            : throw new ResourceNotFoundException($"There is no export {id} of this client to cancel (unknown, already cancelled, or expired).");

    private static async Task<IResult> FileAsync(string id, string file, HttpContext http, BulkExport export, CancellationToken cancellationToken)
    {
        var (status, found, content) = await export.OpenFileAsync(id, file, OwnerOf(http), cancellationToken);
        if (content is null)
        {
            throw status is ExportStatus.Completed ? new ResourceNotFoundException($"Export {id} has no file {file}.") : Problem(id, status);
        }

        http.Response.Headers["X-Resource-Count"] = found!.Count.ToString(CultureInfo.InvariantCulture);
        return Results.Stream(content, NdjsonMediaType, enableRangeProcessing: false);
    }

    private static FhirException Problem(string id, ExportStatus status) => status switch
    {
        ExportStatus.Failed failed => new ExportFailedProblem($"Export {id} failed: {failed.Reason}"),
        ExportStatus.Expired expired => new ResourceGoneException(string.Create(CultureInfo.InvariantCulture, $"The files of export {id} expired at {expired.ExpiredAt:O} and were deleted; start a new export.")),
        ExportStatus.InProgress => new ResourceNotFoundException($"Export {id} is not complete yet; poll its status URL."),
        _ => new ResourceNotFoundException($"There is no export {id} of this client (unknown, cancelled, or its files deleted)."),
    };

    /// <summary>The completion manifest of Bulk Data 2.0.0, with this server's absolute URLs.</summary>
    private static string Manifest(ExportStatus.Completed completed, string baseUrl)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("transactionTime", completed.Job.TransactionTime.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            json.WriteString("request", completed.Job.Request);
            json.WriteBoolean("requiresAccessToken", true);
            WriteFiles(json, "output", completed.Manifest.Output, completed.Job.Id, baseUrl);
            json.WriteStartArray("deleted");
            json.WriteEndArray();
            WriteFiles(json, "error", completed.Manifest.Errors, completed.Job.Id, baseUrl);
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteFiles(Utf8JsonWriter json, string name, IReadOnlyList<ExportFile> files, string jobId, string baseUrl)
    {
        json.WriteStartArray(name);
        foreach (var file in files)
        {
            json.WriteStartObject();
            json.WriteString("type", file.Type);
            json.WriteString("url", $"{baseUrl}/{FilePath}/{jobId}/{file.Name}");
            json.WriteNumber("count", file.Count);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static async System.Threading.Tasks.Task RequireGroupAsync(string groupId, FhirAccessGrant grant, IResourceStore store, CancellationToken cancellationToken)
    {
        if (!grant.ReachFor("Group", Smart.Scopes.SmartInteractions.Read).Granted)
        {
            throw new AccessDeniedException($"A Group export reads the Group: the token's scopes do not grant read on Group; granted: {grant.Scopes}.");
        }

        // The request's store: a Group outside the token's reach is not there for it (404).
        var stored = await store.ReadAsync("Group", groupId, cancellationToken) ?? throw new ResourceNotFoundException($"Group/{groupId} is not known.");
        if (stored.IsDeleted)
        {
            throw new ResourceGoneException($"Group/{groupId} was deleted.");
        }
    }

    private static string? ValueText(DataType? value) => value switch
    {
        null => null,
        PrimitiveType primitive => primitive.ToString(),
        _ => null,
    };

    private static FhirAccessGrant GrantOf(HttpContext http)
        => FhirAccessGrant.Get(http) ?? throw new AuthenticationRequiredException("$export needs a bearer access token.");

    private static ExportOwner OwnerOf(HttpContext http)
    {
        var grant = GrantOf(http);
        return new ExportOwner(grant.Issuer, grant.ClientId);
    }

    /// <summary>The job failed on the server: the IG's error status for a failed export, with the reason.</summary>
    private sealed class ExportFailedProblem(string diagnostics) : FhirException(StatusCodes.Status500InternalServerError, OperationOutcome.IssueType.Exception, diagnostics);
}

/// <summary>What a kick-off needs besides the request.</summary>
public sealed class ExportKickOffServices(IResourceStore store, Storage.Search.SearchQueryParser parser, BulkExport export, TimeProvider time)
{
    internal ExportKickOff KickOff { get; } = new(parser);

    public IResourceStore Store => store;

    public BulkExport Export => export;

    public TimeProvider Time => time;
}
