using System.Net.Http.Headers;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Serialization;

namespace PatientVoice.Application.Subscriptions;

/// <summary>What one POST to a rest-hook endpoint came to: delivered (2xx), or why not (never the payload).</summary>
public sealed record RestHookResult(bool Delivered, string? Reason);

/// <summary>
/// Posts notification bundles to rest-hook endpoints: <c>application/fhir+json</c>, the subscription's own headers,
/// within its timeout (backport-timeout, else <c>Subscriptions:DefaultTimeoutSeconds</c>). Redirects are not followed
/// (a notification goes where the subscription says, or nowhere). No retries inside a call: the outbox retries with
/// back-off, so a slow or failing endpoint holds only its own subscription's queue.
/// </summary>
public sealed class RestHookClient(IHttpClientFactory clients, Microsoft.Extensions.Options.IOptions<SubscriptionOptions> options)
{
    public const string HttpClientName = "subscription-rest-hook";

    public async Task<RestHookResult> PostAsync(BackportSubscription subscription, Bundle bundle, CancellationToken cancellationToken)
    {
        var seconds = subscription.TimeoutSeconds > 0 ? Math.Min(subscription.TimeoutSeconds, options.Value.MaxTimeoutSeconds) : options.Value.DefaultTimeoutSeconds;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(seconds));
        using var request = new HttpRequestMessage(HttpMethod.Post, subscription.Endpoint)
        {
            Content = new StringContent(FhirSerializer.ToJson(bundle), System.Text.Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(subscription.PayloadType) { CharSet = "utf-8" };
        foreach (var (name, value) in subscription.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await clients.CreateClient(HttpClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            return status switch
            {
                >= 200 and < 300 => new RestHookResult(true, null),
                >= 300 and < 400 => new RestHookResult(false, $"the endpoint redirected (HTTP {status}); redirects are not followed"),
                _ => new RestHookResult(false, $"the endpoint answered HTTP {status}"),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new RestHookResult(false, $"no answer within {seconds} s");
        }
        catch (HttpRequestException e)
        {
            return new RestHookResult(false, $"the endpoint could not be reached ({e.HttpRequestError})");
        }
    }
}
