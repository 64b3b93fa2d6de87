using PatientVoice.Fhir.Conformance;
using PatientVoice.Smart.Scopes;
using PatientVoice.Storage;

namespace PatientVoice.Web.Security;

/// <summary>
/// The FHIR API's authorization point (SMART v2 scopes, docs/adr/0014): decides, per interaction and per
/// Bundle entry, whether the token's letters allow it. Which patients it may touch is then enforced by
/// <see cref="CompartmentResourceStore"/> on every store access. Refusals: 403 when the letters are
/// missing for something the token could otherwise see, 404 when the resource lies outside its reach
/// (its existence is not revealed).
/// </summary>
public sealed partial class ScopeAccessPolicy(IResourceStore store, PatientCompartment compartment, ILogger<ScopeAccessPolicy> logger) : IFhirAccessPolicy
{
    private readonly IResourceStore _unrestricted = store is CompartmentResourceStore scoped ? scoped.Unrestricted : store;

    public async ValueTask AuthorizeAsync(FhirAccessRequest access, CancellationToken cancellationToken)
    {
        var rule = FhirInteractionRule.For(access.Interaction);
        if (rule.Open)
        {
            return;
        }

        var grant = FhirAccessGrant.Get(access.HttpContext)
            ?? throw new AuthenticationRequiredException("This interaction needs a bearer access token.");
        var type = access.ResourceType;
        if (rule.Letters == SmartInteractions.None || (type is not null && !SupportedResourceTypes.IsSupported(type)))
        {
            // A Bundle is checked entry by entry; an unknown type is the endpoint's 404.
            return;
        }

        if (type == FhirAccessGrant.AuditEventType && rule.Writes)
        {
            Refused(access, grant, 403);
            throw new AccessDeniedException("The audit trail is written by this server only; AuditEvent cannot be created, changed or deleted through the API.");
        }

        var scopeType = type ?? "*";
        if (grant.ReachFor(scopeType, rule.Letters).Granted
            || (rule.Alternatives != SmartInteractions.None && grant.ReachFor(scopeType, rule.Alternatives).Granted))
        {
            return;
        }

        if (rule.OnInstance && type is not null && access.Id is not null
            && await _unrestricted.ReadAsync(type, access.Id, cancellationToken) is { IsDeleted: false } current
            && !compartment.Contains(current, grant.BaseReach))
        {
            Refused(access, grant, 404);
            throw new Fhir.Errors.ResourceNotFoundException($"{type}/{access.Id} is not known.");
        }

        Refused(access, grant, 403);
        var needed = FhirInteractionRule.Text(rule.Letters) + (rule.Alternatives == SmartInteractions.None ? string.Empty : " or " + FhirInteractionRule.Text(rule.Alternatives));
        throw new AccessDeniedException(type == FhirAccessGrant.AuditEventType
            ? $"The audit trail needs a system/ scope naming AuditEvent with '{needed}' (e.g. system/AuditEvent.rs); '*' does not reach it."
            : $"The token's scopes do not grant '{needed}' on {scopeType} ({access.Interaction}); granted: {grant.Scopes}.");
    }

    private void Refused(FhirAccessRequest access, FhirAccessGrant grant, int status)
        => LogRefused(access.Interaction, access.ResourceType ?? "-", status, grant.ClientId ?? "-");

    [LoggerMessage(Level = LogLevel.Information, Message = "FHIR access refused: {Interaction} on {ResourceType} answered {Status} for client {ClientId}")]
    private partial void LogRefused(string interaction, string resourceType, int status, string clientId);
}
