namespace PatientVoice.Web.Security.Audit;

/// <summary>
/// One FHIR request as the audit trail keeps it, captured when its response is complete: who (issuer, client,
/// subject, fhirUser, the token's patient), what (interaction, type, id or query, Bundle entries), when, and
/// the outcome (the status code, refusals included). Becomes one AuditEvent.
/// </summary>
public sealed record AuditRecord(
    DateTimeOffset Recorded,
    string Interaction,
    string Method,
    string? ResourceType,
    string? Id,
    string? Query,
    int Status,
    string? Issuer,
    string? ClientId,
    string? Subject,
    string? FhirUser,
    string? Patient,
    IReadOnlyList<string> Entries);
