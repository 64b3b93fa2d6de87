using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using PatientVoice.Smart.Backend;

namespace PatientVoice.Application.EhrSync;

/// <summary>
/// Writes to the EHR's FHIR server with a Backend Services token, idempotently: a conditional update
/// (<c>PUT Type?identifier=…</c>) where the EHR offers it, else a conditional create (<c>If-None-Exist</c>) followed by an
/// update of what it found, else a search and then a create or an update. Retries of 429, 5xx and timeouts within one
/// write (with Retry-After) are the resilience handler's; what is still failing comes back as
/// <see cref="WriteAttemptKind.Transient"/> for the outbox to retry later.
/// </summary>
public sealed partial class EhrWriteClient(IHttpClientFactory httpClients, BackendServicesTokenClient tokens, ILogger<EhrWriteClient> logger)
{
    public const string HttpClientName = "EhrSync";
    private const string FhirJson = "application/fhir+json";
    private const int MaxReasonLength = 400;

    public Uri FhirBase { get; } = new(tokens.Settings.FhirBaseUrl.ToString().TrimEnd('/') + "/");

    /// <summary>The EHR's CapabilityStatement, or null when it could not be had for a transient reason (then <paramref name="failure"/> says why).</summary>
    public async Task<(EhrCapabilities? Capabilities, WriteAttempt? Failure)> ReadCapabilitiesAsync(CancellationToken cancellationToken)
    {
        var (response, failure) = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, new Uri(FhirBase, "metadata")), cancellationToken);
        if (response is null)
        {
            return (null, failure);
        }

        using (response)
        {
            if (IsTransient(response.StatusCode))
            {
                return (null, WriteAttempt.Transient($"the CapabilityStatement: {(int)response.StatusCode}", RetryAfter(response)));
            }

            return (response.IsSuccessStatusCode ? EhrCapabilities.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) : EhrCapabilities.Unknown, null);
        }
    }

    /// <summary>Writes <paramref name="json"/> (a <paramref name="type"/> without id) so that it exists once, found again by <paramref name="condition"/> (e.g. <c>identifier=system|value</c>).</summary>
    public async Task<WriteAttempt> WriteAsync(string type, string json, string condition, EhrTypeCapability capability, CancellationToken cancellationToken)
    {
        if (capability.ConditionalUpdate)
        {
            return await SendWriteAsync(HttpMethod.Put, $"{type}?{condition}", json, null, type, cancellationToken);
        }

        if (capability is { Create: true, ConditionalCreate: true })
        {
            var created = await SendWriteAsync(HttpMethod.Post, type, json, condition, type, cancellationToken);
            // 200 instead of 201: it was there already (a retry, or an amendment); bring it up to date when the EHR lets us.
            return created is { Kind: WriteAttemptKind.Written, Reason: "found" } && capability.Update
                ? await UpdateByIdAsync(type, created.EhrReference!, json, cancellationToken)
                : created with { Reason = null };
        }

        // No conditional writes: look first. Between the look and the create another run could slip in only if two
        // workers held the same delivery, which the outbox lease prevents.
        var (search, failure) = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, new Uri(FhirBase, $"{type}?{condition}")), cancellationToken);
        if (search is null)
        {
            return failure!;
        }

        using (search)
        {
            if (!search.IsSuccessStatusCode)
            {
                return await ClassifyFailureAsync(search, cancellationToken);
            }

            var found = FirstSearchMatch(await search.Content.ReadAsStringAsync(cancellationToken), type);
            if (found is null)
            {
                return capability.Create
                    ? (await SendWriteAsync(HttpMethod.Post, type, json, null, type, cancellationToken)) with { Reason = null }
                    : new WriteAttempt(WriteAttemptKind.Refused, null, "the EHR offers no create for this type");
            }

            return capability.Update ? await UpdateByIdAsync(type, found, json, cancellationToken) : new WriteAttempt(WriteAttemptKind.Written, found, null);
        }
    }

    private async Task<WriteAttempt> UpdateByIdAsync(string type, string reference, string json, CancellationToken cancellationToken)
    {
        var id = reference[(reference.LastIndexOf('/') + 1)..];
        var body = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        body["id"] = id;
        return (await SendWriteAsync(HttpMethod.Put, $"{type}/{id}", body.ToJsonString(), null, type, cancellationToken)) with { Reason = null };
    }

    private async Task<WriteAttempt> SendWriteAsync(HttpMethod method, string relative, string json, string? ifNoneExist, string type, CancellationToken cancellationToken)
    {
        var (response, failure) = await SendAsync(() =>
        {
            var request = new HttpRequestMessage(method, new Uri(FhirBase, relative)) { Content = new StringContent(json, Encoding.UTF8, FhirJson) };
            if (ifNoneExist is not null)
            {
                request.Headers.TryAddWithoutValidation("If-None-Exist", ifNoneExist);
            }

            request.Headers.TryAddWithoutValidation("Prefer", "return=representation");
            return request;
        }, cancellationToken);
        if (response is null)
        {
            return failure!;
        }

        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                var failed = await ClassifyFailureAsync(response, cancellationToken);
                LogWriteFailed(method.Method, type, (int)response.StatusCode, failed.Kind);
                return failed;
            }

            var reference = await WrittenReferenceAsync(response, type, cancellationToken);
            return new WriteAttempt(WriteAttemptKind.Written, reference, response.StatusCode == HttpStatusCode.OK && method == HttpMethod.Post ? "found" : null);
        }
    }

    // One token refresh on 401 (expired or revoked), then the answer stands.
    private async Task<(HttpResponseMessage? Response, WriteAttempt? Failure)> SendAsync(Func<HttpRequestMessage> create, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            string token;
            try
            {
                token = await tokens.GetAccessTokenAsync(cancellationToken);
            }
            catch (BackendTokenException e)
            {
                return (null, WriteAttempt.Transient($"no access token: {e.Message}"));
            }

            using var request = create();
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Accept.ParseAdd(FhirJson);
            HttpResponseMessage response;
            try
            {
                response = await httpClients.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested)
            {
                // Connection refused or reset, the attempt or total timeout, an open circuit: the EHR did not answer.
                return (null, WriteAttempt.Transient($"no answer from the EHR ({e.GetType().Name})"));
            }

            if (response.StatusCode == HttpStatusCode.Unauthorized && attempt == 0)
            {
                response.Dispose();
                tokens.Invalidate(token);
                continue;
            }

            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                response.Dispose();
                return (null, WriteAttempt.Transient("the EHR refused our access token (401)"));
            }

            return (response, null);
        }
    }

    private static bool IsTransient(HttpStatusCode status)
        => status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests or HttpStatusCode.Unauthorized || (int)status >= 500;

    private static async Task<WriteAttempt> ClassifyFailureAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var outcome = OutcomeText(await response.Content.ReadAsStringAsync(cancellationToken));
        var reason = $"{status} {response.ReasonPhrase}{(outcome is null ? "" : ": " + outcome)}";
        if (reason.Length > MaxReasonLength)
        {
            reason = reason[..MaxReasonLength] + "…";
        }

        return IsTransient(response.StatusCode)
            ? WriteAttempt.Transient(reason, RetryAfter(response))
            : new WriteAttempt(WriteAttemptKind.Refused, null, reason);
    }

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow,
        _ => null,
    };

    // The OperationOutcome's issues, as the EHR wrote them (diagnostics, else details.text).
    private static string? OutcomeText(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            if (json.RootElement.TryGetProperty("resourceType", out var type) && type.GetString() == "OperationOutcome" && json.RootElement.TryGetProperty("issue", out var issues))
            {
                var texts = issues.EnumerateArray()
                    .Select(i => i.TryGetProperty("diagnostics", out var d) ? d.GetString()
                        : i.TryGetProperty("details", out var details) && details.TryGetProperty("text", out var t) ? t.GetString() : null)
                    .OfType<string>().ToList();
                return texts.Count > 0 ? string.Join("; ", texts) : null;
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    private static async Task<string?> WrittenReferenceAsync(HttpResponseMessage response, string type, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        try
        {
            if (body.Length > 0)
            {
                using var json = JsonDocument.Parse(body);
                if (json.RootElement.TryGetProperty("resourceType", out var t) && t.GetString() == type && json.RootElement.TryGetProperty("id", out var id) && id.GetString() is { } value)
                {
                    return $"{type}/{value}";
                }
            }
        }
        catch (JsonException)
        {
        }

        // Prefer was not honoured: the Location header ({base}/Type/id/_history/n).
        if (response.Headers.Location is { } location)
        {
            var segments = location.ToString().Split('/', StringSplitOptions.RemoveEmptyEntries);
            var at = Array.LastIndexOf(segments, type);
            if (at >= 0 && at + 1 < segments.Length)
            {
                return $"{type}/{segments[at + 1]}";
            }
        }

        return null;
    }

    private static string? FirstSearchMatch(string bundle, string type)
    {
        try
        {
            using var json = JsonDocument.Parse(bundle);
            if (json.RootElement.TryGetProperty("entry", out var entries))
            {
                foreach (var entry in entries.EnumerateArray())
                {
                    if (entry.TryGetProperty("resource", out var resource) && resource.TryGetProperty("resourceType", out var t) && t.GetString() == type
                        && resource.TryGetProperty("id", out var id) && id.GetString() is { } value)
                    {
                        return $"{type}/{value}";
                    }
                }
            }
        }
        catch (JsonException)
        {
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "EHR write {Method} {Type} answered {Status} ({Kind})")]
    private partial void LogWriteFailed(string method, string type, int status, WriteAttemptKind kind);
}
