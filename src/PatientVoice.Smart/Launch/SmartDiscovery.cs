using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PatientVoice.Smart.Launch;

/// <summary>
/// Reads <c>{fhir base}/.well-known/smart-configuration</c> and keeps it for
/// <see cref="SmartClientOptions.DiscoveryCacheDuration"/>. The caller decides which FHIR bases may be asked:
/// this class fetches whatever it is given, so it must only be given configured EHRs.
/// </summary>
public sealed partial class SmartDiscovery(IHttpClientFactory httpClients, IOptions<SmartClientOptions> options, TimeProvider time, ILogger<SmartDiscovery> logger)
{
    private readonly ConcurrentDictionary<string, (SmartConfiguration Configuration, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);

    /// <exception cref="SmartServerUnreachableException">No answer, a timeout, or a 5xx.</exception>
    /// <exception cref="SmartConfigurationInvalidException">Another status, or a document this client cannot use.</exception>
    public async Task<SmartConfiguration> GetAsync(Uri fhirBaseUrl, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(fhirBaseUrl);
        var key = SmartUrls.NormalizeBase(fhirBaseUrl);
        if (_cache.TryGetValue(key, out var cached) && cached.Expires > time.GetUtcNow())
        {
            return cached.Configuration;
        }

        var configuration = await FetchAsync(fhirBaseUrl, cancellationToken);
        _cache[key] = (configuration, time.GetUtcNow() + options.Value.DiscoveryCacheDuration);
        return configuration;
    }

    /// <summary>Forgets every cached document (e.g. after an EHR changed its endpoints).</summary>
    public void Clear() => _cache.Clear();

    private async Task<SmartConfiguration> FetchAsync(Uri fhirBaseUrl, CancellationToken cancellationToken)
    {
        var url = SmartUrls.SmartConfiguration(fhirBaseUrl);
        var http = httpClients.CreateClient(SmartClientOptions.HttpClientName);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.RequestTimeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("application/json");
        HttpResponseMessage response;
        string body;
        try
        {
            response = await http.SendAsync(request, timeout.Token);
            body = await response.Content.ReadAsStringAsync(timeout.Token);
        }
        catch (HttpRequestException e)
        {
            LogUnreachable(url.Host, "no connection");
            throw new SmartServerUnreachableException(url, $"The EHR's smart-configuration could not be read ({e.HttpRequestError}).", e);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(url.Host, "timeout");
            throw new SmartServerUnreachableException(url, "The EHR's smart-configuration did not arrive in time.", e);
        }

        using (response)
        {
            if ((int)response.StatusCode >= 500 || response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                LogUnreachable(url.Host, ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture));
                throw new SmartServerUnreachableException(url, $"The EHR answered {(int)response.StatusCode} for its smart-configuration.");
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new SmartConfigurationInvalidException(fhirBaseUrl, $"The EHR answered {(int)response.StatusCode} for its smart-configuration.");
            }
        }

        var configuration = SmartConfigurationParser.Parse(fhirBaseUrl, body);
        LogDiscovered(url.Host, configuration.SupportsScopesV2);
        return configuration;
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "SMART discovery at {Host}: ok (scopes v2 {ScopesV2})")]
    private partial void LogDiscovered(string host, bool scopesV2);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Warning, Message = "SMART discovery at {Host}: unreachable ({Reason})")]
    private partial void LogUnreachable(string host, string reason);
}
