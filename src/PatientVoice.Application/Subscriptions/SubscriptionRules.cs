using System.Net;
using Hl7.Fhir.Model;
using Microsoft.Extensions.Options;
using PatientVoice.Application.Write;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Application.Subscriptions;

/// <summary>403: the subscriber's token cannot read what the subscription would notify about.</summary>
public sealed class SubscriptionForbiddenException(string diagnostics)
    : FhirException(403, OperationOutcome.IssueType.Forbidden, diagnostics);

/// <summary>
/// Every Subscription written, whatever the door (POST, PUT, conditional forms, batch and transaction entries): it must
/// fit the R4 backport profile as this server supports it (<see cref="BackportSubscription.Read"/>), full-resource
/// payloads go to https endpoints only (http on loopback when <c>Subscriptions:AllowHttpLoopback</c>), and the writer's
/// token must read the topic's resource type for the patients its filters name. The server then records the writer's
/// read access with it (<see cref="SubscriberGrant"/>; whatever the client sent there is replaced) and sets the status:
/// <c>requested</c> (a handshake follows, then <c>active</c>) or <c>off</c>; <c>error</c> is the server's to set.
/// </summary>
public sealed class SubscriptionRules(ISubscriberAccess access, IOptions<SubscriptionOptions> options) : IResourceWriteValidator
{
    public System.Threading.Tasks.ValueTask ValidateAsync(Resource resource, CancellationToken cancellationToken)
    {
        if (resource is Subscription subscription)
        {
            Apply(subscription);
        }

        return System.Threading.Tasks.ValueTask.CompletedTask;
    }

    private void Apply(Subscription subscription)
    {
        subscription.RemoveExtension(SubscriberGrant.Url);
        var read = BackportSubscription.Read(subscription, requireGrant: false);
        switch (subscription.Status)
        {
            case Subscription.SubscriptionStatus.Requested or Subscription.SubscriptionStatus.Active or null:
                subscription.Status = Subscription.SubscriptionStatus.Requested;
                subscription.Error = null;
                break;
            case Subscription.SubscriptionStatus.Off:
                break;
            default:
                throw new UnprocessableEntityException("Subscription.status 'error' is set by the server when deliveries fail; write requested (or active) to start it again, or off to stop it.", "Subscription.status");
        }

        if (read.Content == PayloadContent.FullResource && read.Endpoint.Scheme != Uri.UriSchemeHttps && !(options.Value.AllowHttpLoopback && IsLoopback(read.Endpoint)))
        {
            throw new UnprocessableEntityException("full-resource notifications carry patient data: Subscription.channel.endpoint must be https.", "Subscription.channel.endpoint");
        }

        if (read.TimeoutSeconds > options.Value.MaxTimeoutSeconds)
        {
            throw new UnprocessableEntityException($"backport-timeout may be at most {options.Value.MaxTimeoutSeconds} seconds.", "Subscription.channel.extension");
        }

        if (read.HeartbeatSeconds is { } heartbeat && heartbeat < options.Value.MinHeartbeatSeconds)
        {
            throw new UnprocessableEntityException($"backport-heartbeat-period must be at least {options.Value.MinHeartbeatSeconds} seconds.", "Subscription.channel.extension");
        }

        var grant = access.Current();
        var type = read.Topic.ResourceType;
        if (!grant.ReadReach.ContainsKey(type))
        {
            throw new SubscriptionForbiddenException($"The topic {read.Topic.Url} notifies about {type}; this token cannot read {type}, so it cannot subscribe to it.");
        }

        if (grant.PatientFor(type) is { } patient)
        {
            var named = read.Filters.Select(f => f.Patients).OfType<IReadOnlyList<string>>().SelectMany(p => p).Distinct(StringComparer.Ordinal).ToList();
            if (named.Any(p => p != patient))
            {
                throw new SubscriptionForbiddenException($"This token reads {type} only for {patient}; the subscription's filter names another patient.");
            }
        }

        subscription.Extension.Add(grant.ToExtension());
    }

    private static bool IsLoopback(Uri endpoint)
        => endpoint.IsLoopback || (IPAddress.TryParse(endpoint.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
