using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using PatientVoice.Fhir.Serialization;

namespace PatientVoice.Sandbox.CdsHooks;

/// <summary>
/// The EHR as a CDS Hooks client: when a chart opens, asks each configured service (<see cref="SandboxOptions.CdsServiceUrls"/>)
/// for its discovery, then calls every <c>patient-view</c> service it lists with the context, the prefetch it asks
/// for, <c>fhirAuthorization</c> when the service is registered for FHIR access (<see cref="CdsFhirAuthorization"/>), and a signed JWT (<see cref="CdsHooksSigner"/>). All services are asked at once and waited for at most
/// <see cref="SandboxOptions.CdsHooksTimeout"/>: one that is down, slow or answers nonsense becomes a quiet note,
/// never an error of the chart.
/// </summary>
public sealed partial class CdsHooksClient(
    IHttpClientFactory httpClients,
    CdsHooksSigner signer,
    PrefetchResolver prefetch,
    CdsFhirAuthorization fhirAuthorization,
    IOptions<SandboxOptions> options,
    ILogger<CdsHooksClient> logger)
{
    public const string HttpClientName = "cds-hooks";
    public const string PatientView = "patient-view";

    public async Task<CdsHooksOutcome> PatientViewAsync(PatientViewContext context, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.CdsHooksTimeout);
        var calls = options.Value.CdsServiceUrls.Select(url => CallServiceAsync(url.TrimEnd('/'), context, timeout.Token, cancellationToken)).ToList();
        var results = await Task.WhenAll(calls);
        return new CdsHooksOutcome([.. results.SelectMany(r => r.Cards)], [.. results.SelectMany(r => r.Notes)]);
    }

    private async Task<CdsHooksOutcome> CallServiceAsync(string discoveryUrl, PatientViewContext context, CancellationToken timeout, CancellationToken page)
    {
        var cards = new List<(string, CdsCard)>();
        var notes = new List<string>();
        var http = httpClients.CreateClient(HttpClientName);
        try
        {
            using var discoveryRequest = new HttpRequestMessage(HttpMethod.Get, discoveryUrl);
            Authorize(discoveryRequest, discoveryUrl);
            using var discoveryResponse = await http.SendAsync(discoveryRequest, timeout);
            if (!discoveryResponse.IsSuccessStatusCode)
            {
                return Note(discoveryUrl, $"its discovery answered {(int)discoveryResponse.StatusCode}");
            }

            var discovery = await discoveryResponse.Content.ReadFromJsonAsync<CdsDiscovery>(timeout);
            foreach (var service in discovery?.Services?.Where(s => s.Hook == PatientView && !string.IsNullOrEmpty(s.Id)) ?? [])
            {
                var serviceUrl = $"{discoveryUrl}/{Uri.EscapeDataString(service.Id!)}";
                var body = await RequestBodyAsync(service, serviceUrl, context, timeout);
                using var request = new HttpRequestMessage(HttpMethod.Post, serviceUrl)
                {
                    Content = new StringContent(body.ToJsonString(FhirSerializer.NodeOptions), Encoding.UTF8, "application/json"),
                };
                Authorize(request, serviceUrl);
                using var response = await http.SendAsync(request, timeout);
                if (!response.IsSuccessStatusCode)
                {
                    notes.Add(Describe(service, discoveryUrl) + $" answered {(int)response.StatusCode}");
                    LogServiceFailed(logger, serviceUrl, (int)response.StatusCode);
                    continue;
                }

                var answer = await response.Content.ReadFromJsonAsync<CdsHookResponse>(timeout);
                cards.AddRange((answer?.Cards ?? []).Where(c => !string.IsNullOrWhiteSpace(c.Summary)).Select(c => (service.Title ?? service.Id!, c)));
            }
        }
        catch (OperationCanceledException) when (!page.IsCancellationRequested)
        {
            notes.Add($"{discoveryUrl} did not answer within {options.Value.CdsHooksTimeout.TotalSeconds:0.#} s");
            LogTimedOut(logger, discoveryUrl);
        }
        catch (HttpRequestException e)
        {
            notes.Add($"{discoveryUrl} could not be reached");
            LogUnreachable(logger, discoveryUrl, e.HttpRequestError.ToString());
        }
        catch (JsonException)
        {
            notes.Add($"{discoveryUrl} answered something that is not CDS Hooks JSON");
            LogUnreadable(logger, discoveryUrl);
        }

        return new CdsHooksOutcome(cards, notes);

        CdsHooksOutcome Note(string url, string what)
        {
            LogUnreadable(logger, url);
            return new CdsHooksOutcome([], [$"{url}: {what}"]);
        }
    }

    private async Task<JsonObject> RequestBodyAsync(CdsServiceDescription service, string serviceUrl, PatientViewContext context, CancellationToken cancellationToken)
    {
        var hookContext = new JsonObject { ["userId"] = context.UserFhirUser, ["patientId"] = context.PatientId };
        if (context.EncounterId is { } encounter)
        {
            hookContext["encounterId"] = encounter;
        }

        var body = new JsonObject
        {
            ["hook"] = PatientView,
            ["hookInstance"] = Guid.NewGuid().ToString(),
            ["fhirServer"] = options.Value.FhirBase,
            ["context"] = hookContext,
        };
        if (service.Prefetch is { Count: > 0 })
        {
            body["prefetch"] = await prefetch.ResolveAsync(service.Prefetch, context, cancellationToken);
        }

        if (fhirAuthorization.For(serviceUrl) is { } access)
        {
            body["fhirAuthorization"] = await fhirAuthorization.IssueAsync(access, context.PatientId, cancellationToken);
        }

        return body;
    }

    private void Authorize(HttpRequestMessage request, string audience)
        => request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", signer.Sign(audience));

    private static string Describe(CdsServiceDescription service, string discoveryUrl) => $"{service.Title ?? service.Id} ({discoveryUrl})";

    [LoggerMessage(EventId = 9301, Level = LogLevel.Information, Message = "CDS service {Url} did not answer in time; the chart shows without it")]
    private static partial void LogTimedOut(ILogger logger, string url);

    [LoggerMessage(EventId = 9302, Level = LogLevel.Information, Message = "CDS service {Url} could not be reached ({Error}); the chart shows without it")]
    private static partial void LogUnreachable(ILogger logger, string url, string error);

    [LoggerMessage(EventId = 9303, Level = LogLevel.Information, Message = "CDS service {Url} answered something unusable; the chart shows without it")]
    private static partial void LogUnreadable(ILogger logger, string url);

    [LoggerMessage(EventId = 9304, Level = LogLevel.Information, Message = "CDS service {Url} answered {Status}; the chart shows without it")]
    private static partial void LogServiceFailed(ILogger logger, string url, int status);
}
