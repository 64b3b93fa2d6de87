using PatientVoice.Application.Subscriptions;
using PatientVoice.Smart.Scopes;

namespace PatientVoice.Web.Security;

/// <summary>
/// What the caller of the FHIR request being served may read, for the subscription it writes: per topic resource type,
/// the reach of its token's read scopes (<see cref="FhirAccessGrant.ReachFor"/>), with its client, issuer and the FHIR
/// base it called. Outside a FHIR request (pages, start-up, workers) the writer is the server itself.
/// </summary>
public sealed class RequestSubscriberAccess(IHttpContextAccessor http) : ISubscriberAccess
{
    public SubscriberGrant Current()
    {
        if (http.HttpContext is not { } context || FhirAccessGrant.Get(context) is not { } grant)
        {
            return SubscriberGrant.Server;
        }

        var reach = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var type in SubscriptionTopics.All.Select(t => t.ResourceType).Distinct(StringComparer.Ordinal))
        {
            var read = grant.ReachFor(type, SmartInteractions.Read);
            if (read.Granted)
            {
                reach[type] = read.IsAllPatients ? SubscriberGrant.AllPatients : $"Patient/{read.PatientId}";
            }
        }

        return new SubscriberGrant(reach, grant.ClientId, grant.Issuer, FhirApi.FhirRequest.BaseUrl(context.Request));
    }
}
