using System.Net;
using System.Text;
using System.Text.Json;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using PatientVoice.Fhir.Serialization;

namespace PatientVoice.Sandbox.Subscriber;

/// <summary>
/// The EHR as a subscriber (Subscriptions R4 backport): once PatientVoice answers <c>/health/ready</c>, finds its
/// "questionnaire completed" topic in the CapabilityStatement and subscribes to it for every patient — rest-hook to
/// <see cref="NotificationEndpoint.Path"/>, <c>id-only</c> (the EHR reads the response with its own token), a
/// heartbeat, and a secret header. The subscription of a previous run (its id kept in the data folder) is deleted
/// first, so restarts do not pile them up.
/// </summary>
internal sealed partial class PatientVoiceSubscriber(
    IOptions<SandboxOptions> options,
    PatientVoiceApi api,
    PatientVoiceActivity activity,
    IHttpClientFactory factory,
    ILogger<PatientVoiceSubscriber> logger) : BackgroundService
{
    public const string StateFile = "patientvoice-subscription.json";
    private const string Backport = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/";
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(15);

    protected override async System.Threading.Tasks.Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.SubscribeToPatientVoice)
        {
            return;
        }

        var wait = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            var ready = false;
            try
            {
                ready = await ReadyAsync(stoppingToken);
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !stoppingToken.IsCancellationRequested)
            {
                LogNotYet(logger, e.GetType().Name);
            }

            if (ready)
            {
                try
                {
                    await SubscribeAsync(stoppingToken);
                    return;
                }
                catch (Exception e) when (e is HttpRequestException or SubscriberTokenException or JsonException or FormatException or InvalidOperationException
                    or TaskCanceledException && !stoppingToken.IsCancellationRequested)
                {
                    LogFailed(logger, e.GetType().Name, e.Message);
                }
            }

            try
            {
                await System.Threading.Tasks.Task.Delay(wait, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            wait = wait * 2 < MaxWait ? wait * 2 : MaxWait;
        }
    }

    private async Task<bool> ReadyAsync(CancellationToken cancellationToken)
    {
        using var response = await factory.CreateClient(PatientVoiceApi.HttpClientName).GetAsync(options.Value.AppBase + "/health/ready", cancellationToken);
        return response.StatusCode == HttpStatusCode.OK;
    }

    private async System.Threading.Tasks.Task SubscribeAsync(CancellationToken cancellationToken)
    {
        using var metadata = await api.SendAsync(HttpMethod.Get, api.FhirBase + "/metadata", null, cancellationToken);
        metadata.EnsureSuccessStatusCode();
        var capabilities = FhirSerializer.Parse<CapabilityStatement>(await metadata.Content.ReadAsStringAsync(cancellationToken));
        var topic = capabilities.Rest.SelectMany(r => r.Resource).Where(r => r.Type == "Subscription")
            .SelectMany(r => r.Extension).Select(e => (e.Value as Canonical)?.Value ?? (e.Value as FhirUri)?.Value)
            .FirstOrDefault(url => url?.EndsWith("/questionnaire-submitted", StringComparison.Ordinal) == true);
        if (topic is null)
        {
            LogNoTopic(logger, api.FhirBase);
            return;
        }

        var state = Path.Combine(options.Value.DataDirectory, StateFile);
        if (File.Exists(state) && JsonSerializer.Deserialize<SubscriptionState>(await File.ReadAllTextAsync(state, cancellationToken)) is { Id: { Length: > 0 } previous })
        {
            using var deleted = await api.SendAsync(HttpMethod.Delete, $"{api.FhirBase}/Subscription/{Uri.EscapeDataString(previous)}", null, cancellationToken);
            LogPreviousDeleted(logger, previous, (int)deleted.StatusCode);
        }

        var subscription = new Subscription
        {
            Status = Subscription.SubscriptionStatus.Requested,
            Reason = "The sandbox EHR's charts show a completed pre-visit questionnaire as it arrives",
            Criteria = topic,
            Channel = new Subscription.ChannelComponent
            {
                Type = Subscription.SubscriptionChannelType.RestHook,
                Endpoint = options.Value.EhrBase + NotificationEndpoint.Path,
                Payload = "application/fhir+json",
                Header = ["Authorization: " + activity.AuthorizationHeader],
            },
        };
        subscription.Channel.PayloadElement.AddExtension(Backport + "backport-payload-content", new Code("id-only"));
        subscription.Channel.AddExtension(Backport + "backport-heartbeat-period", new UnsignedInt(60));
        using var created = await api.SendAsync(HttpMethod.Post, api.FhirBase + "/Subscription",
            new StringContent(FhirSerializer.ToJson(subscription), Encoding.UTF8, "application/fhir+json"), cancellationToken);
        if (!created.IsSuccessStatusCode)
        {
            LogRefused(logger, (int)created.StatusCode);
            return;
        }

        var id = FhirSerializer.Parse<Subscription>(await created.Content.ReadAsStringAsync(cancellationToken)).Id
            ?? throw new FormatException("PatientVoice created the subscription without an id");
        activity.SubscriptionId = id;
        await File.WriteAllTextAsync(state, JsonSerializer.Serialize(new SubscriptionState(id)), cancellationToken);
        LogSubscribed(logger, id);
    }

    private sealed record SubscriptionState(string Id);

    [LoggerMessage(EventId = 9401, Level = LogLevel.Information, Message = "Subscribed to PatientVoice's completed questionnaires: Subscription/{Id}")]
    private static partial void LogSubscribed(ILogger logger, string id);

    [LoggerMessage(EventId = 9402, Level = LogLevel.Debug, Message = "PatientVoice not ready for a subscription yet ({Error})")]
    private static partial void LogNotYet(ILogger logger, string error);

    [LoggerMessage(EventId = 9406, Level = LogLevel.Warning, Message = "Subscribing to PatientVoice failed ({Error}: {Message}); trying again")]
    private static partial void LogFailed(ILogger logger, string error, string message);

    [LoggerMessage(EventId = 9403, Level = LogLevel.Warning, Message = "PatientVoice at {FhirBase} publishes no questionnaire-submitted topic; the charts will not refresh on their own")]
    private static partial void LogNoTopic(ILogger logger, string fhirBase);

    [LoggerMessage(EventId = 9404, Level = LogLevel.Warning, Message = "PatientVoice refused the EHR's subscription: HTTP {Status}")]
    private static partial void LogRefused(ILogger logger, int status);

    [LoggerMessage(EventId = 9405, Level = LogLevel.Information, Message = "The previous run's Subscription/{Id} deleted: HTTP {Status}")]
    private static partial void LogPreviousDeleted(ILogger logger, string id, int status);
}
