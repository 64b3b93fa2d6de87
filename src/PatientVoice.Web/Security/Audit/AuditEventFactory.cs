using System.Text;
using Hl7.Fhir.Model;

namespace PatientVoice.Web.Security.Audit;

/// <summary>Turns an <see cref="AuditRecord"/> into a FHIR R4 AuditEvent (type rest, subtype the RESTful interaction).</summary>
public static class AuditEventFactory
{
    private const string AuditEventTypes = "http://terminology.hl7.org/CodeSystem/audit-event-type";
    private const string DicomEvents = "http://dicom.nema.org/resources/ontology/DCM";
    private const string RestfulInteractions = "http://hl7.org/fhir/restful-interaction";
    private const string ObjectRoles = "http://terminology.hl7.org/CodeSystem/object-role";
    private const string EntityTypes = "http://terminology.hl7.org/CodeSystem/audit-entity-type";
    private const string SourceTypes = "http://terminology.hl7.org/CodeSystem/security-source-type";
    private const string ParticipationTypes = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType";

    public static AuditEvent Create(AuditRecord record)
    {
        var audit = new AuditEvent
        {
            // A page is not a RESTful interaction: DICOM's "Patient Record" (the patient's record used or changed).
            Type = record.IsPage ? new Coding(DicomEvents, "110110", "Patient Record") : new Coding(AuditEventTypes, "rest", "RESTful Operation"),
            Subtype = record.IsPage ? [] : [new Coding(RestfulInteractions, Subtype(record.Interaction), record.Interaction)],
            Action = Action(record),
            Recorded = record.Recorded,
            Outcome = record.Status switch
            {
                < 400 => AuditEvent.AuditEventOutcome.N0,
                < 500 => AuditEvent.AuditEventOutcome.N4,
                _ => AuditEvent.AuditEventOutcome.N8,
            },
            OutcomeDesc = $"{record.Status} {Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(record.Status)}",
            Source = new AuditEvent.SourceComponent
            {
                Site = "PatientVoice",
                Observer = new ResourceReference { Display = record.IsPage ? "PatientVoice pages" : "PatientVoice FHIR API" },
                Type = [new Coding(SourceTypes, "4", "Application Server")],
            },
        };

        // The client application (by its id at its issuer), and the user it acts for.
        audit.Agent.Add(new AuditEvent.AgentComponent
        {
            Type = new CodeableConcept(ParticipationTypes, "IRCP", "information recipient"),
            Who = record.ClientId is null && record.Issuer is null
                ? new ResourceReference { Display = "unauthenticated" }
                : new ResourceReference { Identifier = new Identifier(record.Issuer, record.ClientId ?? record.Subject ?? "unknown") },
            AltId = record.Subject,
            Requestor = true,
        });
        if (record.FhirUser is not null)
        {
            audit.Agent.Add(new AuditEvent.AgentComponent
            {
                Type = new CodeableConcept(ParticipationTypes, "AUT", "author (originator)"),
                Who = new ResourceReference(record.FhirUser),
                Requestor = true,
            });
        }

        if (record.ResourceType is not null)
        {
            audit.Entity.Add(new AuditEvent.EntityComponent
            {
                What = record.Id is null ? null : new ResourceReference($"{record.ResourceType}/{record.Id}"),
                Type = new Coding(EntityTypes, "2", "System Object"),
                Role = new Coding(ObjectRoles, record.Query is null ? "4" : "24", record.Query is null ? "Domain Resource" : "Query"),
                // R4's sev-1: an entity has a name or a query, never both. A search's entity is its query, and the
                // type it searched is said in the description; a type-level entity without a query is named by its type.
                Name = record.Id is null && record.Query is null ? record.ResourceType : null,
                Description = record.Query is null ? null : record.ResourceType,
                Query = record.Query is null ? null : Encoding.UTF8.GetBytes(record.Query),
            });
        }

        foreach (var entry in record.Entries)
        {
            audit.Entity.Add(new AuditEvent.EntityComponent
            {
                Type = new Coding(EntityTypes, "2", "System Object"),
                Role = new Coding(ObjectRoles, "4", "Domain Resource"),
                Description = entry,
            });
        }

        if (record.Patient is not null)
        {
            // The patient whose compartment the token was confined to: AuditEvent?patient= finds it.
            audit.Entity.Add(new AuditEvent.EntityComponent
            {
                What = new ResourceReference($"Patient/{record.Patient}"),
                Type = new Coding(EntityTypes, "1", "Person"),
                Role = new Coding(ObjectRoles, "1", "Patient"),
            });
        }

        return audit;
    }

    private static string Subtype(string interaction) => interaction switch
    {
        "read" or "vread" or "create" or "update" or "delete" or "history-instance" or "history-type" or "history-system" or "search-type" => interaction,
        "search-type-post" => "search-type",
        "conditional-update" => "update",
        "conditional-delete" => "delete",
        "batch-transaction" => "batch",
        "capabilities" => "capabilities",
        _ => "operation",
    };

    private static AuditEvent.AuditEventAction Action(AuditRecord record) => record.Interaction switch
    {
        "create" => AuditEvent.AuditEventAction.C,
        "update" or "conditional-update" or AuditRecord.PageChange => AuditEvent.AuditEventAction.U,
        "delete" or "conditional-delete" => AuditEvent.AuditEventAction.D,
        "read" or "vread" or AuditRecord.PageView or "history-instance" or "history-type" or "history-system" or "search-type" or "search-type-post" => AuditEvent.AuditEventAction.R,
        _ => AuditEvent.AuditEventAction.E,
    };
}
