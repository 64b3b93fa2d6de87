namespace PatientVoice.Web.Security;

/// <summary>
/// The one authorization point every FHIR interaction passes. The default lets everything through;
/// bearer tokens and SMART scopes replace it (a later step) without touching any endpoint.
/// Throw a FhirException (401/403) to refuse.
/// </summary>
public interface IFhirAccessPolicy
{
    System.Threading.Tasks.ValueTask AuthorizeAsync(FhirAccessRequest access, CancellationToken cancellationToken);
}

/// <summary>What is being asked: the interaction (endpoint name, e.g. <c>read</c>, <c>search-type</c>) and on which type/id.</summary>
public sealed record FhirAccessRequest(HttpContext HttpContext, string Interaction, string? ResourceType, string? Id);
