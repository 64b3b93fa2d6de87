namespace PatientVoice.Web.Security.Audit;

/// <summary>
/// One FHIR request (or one patient or clinician page request, <see cref="PageView"/> and <see cref="PageChange"/>) as
/// the audit trail keeps it, captured when its response is complete: who (issuer, client, subject, fhirUser, the
/// token's or session's patient), what (interaction, type, id or query, Bundle entries or the page), when, and the
/// outcome (the status code, refusals included). Becomes one AuditEvent.
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
    IReadOnlyList<string> Entries)
{
    /// <summary>A patient or clinician page opened.</summary>
    public const string PageView = "page-view";

    /// <summary>A patient or clinician page acted on (a form posted: answers saved or sent, a goal changed, a clinician's action).</summary>
    public const string PageChange = "page-change";

    /// <summary>True for the pages' records (not a FHIR interaction).</summary>
    public bool IsPage => Interaction is PageView or PageChange;
}
