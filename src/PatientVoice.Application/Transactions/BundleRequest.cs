using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Application.Transactions;

/// <summary>One entry of an incoming batch or transaction, with its request URL taken apart.</summary>
public sealed class BundleRequest
{
    private string? _problem;

    public required int Index { get; init; }

    public Bundle.HTTPVerb? Method { get; init; }

    public string? FullUrl { get; init; }

    public Resource? Resource { get; init; }

    public string Type { get; private init; } = string.Empty;

    public string? Id { get; private init; }

    public int? VersionId { get; private init; }

    /// <summary>Search parameters of the URL (conditional update/delete, or a search).</summary>
    public List<KeyValuePair<string, string>> Query { get; private init; } = [];

    public string? IfMatch { get; init; }

    public string? IfNoneExist { get; init; }

    /// <summary>The entry's resource, validated and indexed, ready to write.</summary>
    public PatientVoice.Storage.PreparedResource? Prepared { get; set; }

    /// <summary>In a transaction: the id the server chose for a POST before any entry ran.</summary>
    public string? AssignedId { get; set; }

    /// <summary>In a transaction: the resource an If-None-Exist POST found instead of creating one.</summary>
    public PatientVoice.Storage.StoredResource? Existing { get; set; }

    /// <summary>
    /// A submission expanded from a conditional form: what its conditions matched when it was prepared, checked again
    /// inside the transaction (<see cref="TransactionGuard"/>).
    /// </summary>
    public TransactionGuard? Guard { get; set; }

    /// <summary>
    /// A resource a submission's extractor built from the response in the same transaction, for a questionnaire whose
    /// extraction is proven (<see cref="PatientVoice.Fhir.Questionnaires.Extract.ProvenExtraction"/>, docs/adr/0034):
    /// when the response passes full validation, so does it, so its conformance is not checked again. Set only by
    /// <see cref="Submit.SubmissionPlan"/>; never from a client's entry.
    /// </summary>
    public bool ConformsByConstruction { get; set; }

    /// <summary>
    /// A submission's extracted entry: its conditional URL (<c>Goal?identifier=…</c>) can only match what a submission of
    /// the same response writes (extraction identifiers derive from the response's id), so its search is confined to that
    /// response (<c>QuestionnaireResponse/{id}</c>, <see cref="PatientVoice.Storage.IResourceWriteSession.SearchAsync(PatientVoice.Storage.Search.SearchQuery, string, CancellationToken)"/>).
    /// Set only by <see cref="Submit.SubmissionPlan"/>; never from a client's entry.
    /// </summary>
    public string? ConditionalScope { get; set; }

    public static BundleRequest From(Bundle.EntryComponent entry, int index)
    {
        var request = entry.Request;
        if (request?.Method is null || string.IsNullOrWhiteSpace(request.Url))
        {
            return new BundleRequest { Index = index, _problem = "request.method and request.url are required in a batch or transaction entry." };
        }

        var url = request.Url.Trim();
        var question = url.IndexOf('?', StringComparison.Ordinal);
        var path = (question < 0 ? url : url[..question]).Trim('/');
        var query = question < 0 ? [] : Write.SearchCriteria.Parse(url[(question + 1)..]);
        var baseIndex = path.IndexOf(FhirBase.Path + "/", StringComparison.Ordinal);
        if (path.Contains("://", StringComparison.Ordinal) && baseIndex >= 0)
        {
            path = path[(baseIndex + FhirBase.Path.Length + 1)..];
        }

        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        int? version = null;
        string? problem = null;
        if (segments.Length == 4 && segments[2] == "_history" && int.TryParse(segments[3], out var v))
        {
            version = v;
        }
        else if (segments.Length is 0 or > 2)
        {
            problem = $"request.url '{request.Url}' is not of the form Type, Type/id or Type?query.";
        }

        return new BundleRequest
        {
            Index = index,
            Method = request.Method,
            FullUrl = entry.FullUrl,
            Resource = entry.Resource,
            Type = segments.Length > 0 ? segments[0] : string.Empty,
            Id = segments.Length > 1 ? segments[1] : null,
            VersionId = version,
            Query = query,
            IfMatch = request.IfMatch,
            IfNoneExist = request.IfNoneExist,
            _problem = problem,
        };
    }

    public void ThrowIfInvalid()
    {
        if (_problem is not null)
        {
            throw new BundleEntryFailedException(Index, new BadRequestException(_problem, "request"));
        }

        if (Method is Bundle.HTTPVerb.POST or Bundle.HTTPVerb.PUT && Resource is null)
        {
            throw new BundleEntryFailedException(Index, new BadRequestException($"A {Method} entry needs a resource.", "resource"));
        }

        if (Method is Bundle.HTTPVerb.PATCH)
        {
            throw new BundleEntryFailedException(Index, new MethodNotAllowedException("PATCH is not supported."));
        }
    }
}
