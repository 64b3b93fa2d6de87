using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Smart.Launch;
using PatientVoice.Smart.Scopes;

namespace PatientVoice.Web.Launch;

/// <summary>
/// Reads from a session's EHR with the session's access token. The URL is always the session's configured FHIR
/// base plus a checked relative path: a reference or type from elsewhere cannot send the token to another host.
/// </summary>
public sealed partial class EhrFhirClient(IHttpClientFactory httpClients, SmartSessionTokens tokens, IOptions<SmartClientOptions> options, ILogger<EhrFhirClient> logger) : IEhrFhirClient
{
    public const string HttpClientName = "PatientVoice.Ehr";

    public async Task<Resource?> ReadAsync(SmartSession session, string reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!ReferencePattern().IsMatch(reference ?? ""))
        {
            throw new ArgumentException("A read takes a relative reference Type/id.", nameof(reference));
        }

        var type = reference!.Split('/')[0];
        EnsureGranted(session, type, SmartInteractions.Read);
        var (status, resource) = await GetAsync(session, reference, type, cancellationToken);
        return status is HttpStatusCode.NotFound or HttpStatusCode.Gone ? null : resource;
    }

    public async Task<Bundle> SearchAsync(SmartSession session, string resourceType, string query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        if (!TypePattern().IsMatch(resourceType ?? "") || (query ?? "").Contains('#', StringComparison.Ordinal))
        {
            throw new ArgumentException("A search takes a resource type and a query string without '#'.", nameof(resourceType));
        }

        EnsureGranted(session, resourceType!, SmartInteractions.Search);
        var path = string.IsNullOrEmpty(query) ? resourceType! : $"{resourceType}?{query.TrimStart('?')}";
        var (status, resource) = await GetAsync(session, path, resourceType!, cancellationToken);
        return resource as Bundle ?? throw new EhrRequestException(EhrRequestFailure.Refused, $"The EHR answered a search with {(int)status} and no Bundle.", (int)status);
    }

    /// <summary>
    /// Whether the session's granted scopes cover <paramref name="interaction"/> on <paramref name="resourceType"/>
    /// (in any context: a patient portal may grant <c>user/</c> scopes). EHRs grant less than asked; a request they
    /// would refuse is not sent.
    /// </summary>
    public static bool Granted(SmartSession session, string resourceType, SmartInteractions interaction)
    {
        ArgumentNullException.ThrowIfNull(session);
        var scopes = SmartScopeParser.Parse(session.Scope);
        return scopes.ContextsPermitting(resourceType, interaction).Count > 0;
    }

    private void EnsureGranted(SmartSession session, string resourceType, SmartInteractions interaction)
    {
        if (!Granted(session, resourceType, interaction))
        {
            LaunchLog.EhrReadNotGranted(logger, session.Ehr, resourceType);
            throw new EhrRequestException(EhrRequestFailure.NotGranted, $"The session's scopes do not grant reading {resourceType}; not asked.");
        }
    }

    private async Task<(HttpStatusCode Status, Resource? Resource)> GetAsync(SmartSession session, string relative, string resourceType, CancellationToken cancellationToken)
    {
        // A one-time link's session holds no EHR token: nothing is read from the EHR through a link (docs/adr/0029).
        if (session.IsLink)
        {
            throw new EhrRequestException(EhrRequestFailure.NotGranted, "A one-time link's session does not read from the EHR; not asked.");
        }

        var token = await tokens.GetAccessTokenAsync(session.Id, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(SmartUrls.NormalizeBase(session.FhirBaseUrl) + "/" + relative));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd("application/fhir+json");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.RequestTimeout);
        HttpStatusCode status;
        string body;
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, timeout.Token);
            status = response.StatusCode;
            body = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (HttpRequestException e)
        {
            LaunchLog.EhrReadFailed(logger, session.Ehr, resourceType, "unreachable");
            throw new EhrRequestException(EhrRequestFailure.Unreachable, "The EHR could not be reached.", inner: e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            LaunchLog.EhrReadFailed(logger, session.Ehr, resourceType, "timeout");
            throw new EhrRequestException(EhrRequestFailure.Unreachable, "The EHR did not answer in time.", inner: e);
        }

        var code = (int)status;
        switch (status)
        {
            case HttpStatusCode.OK:
                break;
            case HttpStatusCode.NotFound or HttpStatusCode.Gone:
                return (status, null);
            case HttpStatusCode.Unauthorized:
                LaunchLog.EhrReadFailed(logger, session.Ehr, resourceType, "401");
                throw new EhrRequestException(EhrRequestFailure.SessionEnded, "The EHR no longer accepts the session's token.", code);
            case HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError:
                LaunchLog.EhrReadFailed(logger, session.Ehr, resourceType, code.ToString(System.Globalization.CultureInfo.InvariantCulture));
                throw new EhrRequestException(EhrRequestFailure.Unreachable, $"The EHR answered {code}.", code);
            default:
                LaunchLog.EhrReadFailed(logger, session.Ehr, resourceType, code.ToString(System.Globalization.CultureInfo.InvariantCulture));
                throw new EhrRequestException(EhrRequestFailure.Refused, $"The EHR refused the request ({code}).", code);
        }

        var parsed = FhirJson.TryParse(body);
        return parsed.Resource is { } resource
            ? (status, resource)
            : throw new EhrRequestException(EhrRequestFailure.Refused, "The EHR's answer is not a FHIR resource.", code);
    }

    [GeneratedRegex(@"^[A-Z][A-Za-z]{1,63}/[A-Za-z0-9\-\.]{1,64}$")]
    private static partial Regex ReferencePattern();

    [GeneratedRegex(@"^[A-Z][A-Za-z]{1,63}$")]
    private static partial Regex TypePattern();
}
