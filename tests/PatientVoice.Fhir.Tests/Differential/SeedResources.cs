using System.Text;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Testing;
using FhirTask = Hl7.Fhir.Model.Task;

namespace PatientVoice.Fhir.Tests.Differential;

/// <summary>
/// The resources the generator starts from, for every type PatientVoice stores (<see cref="SupportedResourceTypes"/>):
/// our examples (valid and invalid), the questionnaires we ship (current and previous), completed responses, the real-world
/// material in ../shared/conformance (read, never edited), and, for the types that have no example file, resources shaped
/// like the ones PatientVoice writes (agenda-outcome, write-back and invitation Tasks, acknowledgement Communications,
/// AuditEvents, cohort Groups, backport Subscriptions and their topics as Basic, page-change Provenances).
/// </summary>
public static class SeedResources
{
    public static IReadOnlyList<Seed> Load(ConformancePackage package)
    {
        var seeds = new List<Seed>();
        foreach (var file in Directory.GetFiles(RepositoryPaths.Examples, "*.json").Order(StringComparer.Ordinal))
        {
            AddParsed(seeds, "examples/" + Path.GetFileName(file), File.ReadAllText(file));
        }

        seeds.AddRange(package.Questionnaires.Concat(package.PreviousQuestionnaires).Select(q => new Seed($"profiles/Questionnaire {q.Id} {q.Version}", q)));
        foreach (var file in Directory.GetFiles(RepositoryPaths.CompletedResponses, "*.json").Order(StringComparer.Ordinal))
        {
            AddParsed(seeds, "completed/" + Path.GetFileName(file), File.ReadAllText(file));
        }

        foreach (var file in Directory.GetFiles(RepositoryPaths.SharedConformance, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            AddParsed(seeds, "shared/" + Path.GetRelativePath(RepositoryPaths.SharedConformance, file).Replace('\\', '/'), File.ReadAllText(file));
        }

        seeds.AddRange(Built());
        return seeds;
    }

    private static void AddParsed(List<Seed> seeds, string name, string json)
    {
        // Files the strict parser refuses never reach a validator on the server either; they are not seeds.
        if (FhirJson.TryParse(json).Resource is { } resource && SupportedResourceTypes.IsSupported(resource.TypeName))
        {
            seeds.Add(new Seed(name, resource));
        }
    }

    private static IEnumerable<Seed> Built()
    {
        const string pv = "http://patientvoice.example.org/fhir";
        yield return new Seed("built/Task agenda outcome", new FhirTask
        {
            Identifier = [new Identifier(pv + "/sid/agenda-outcome", "agenda-1/2")],
            Status = FhirTask.TaskStatus.Completed,
            BusinessStatus = new CodeableConcept(pv + "/CodeSystem/pv-agenda-outcome", "discussed", "Discussed"),
            Intent = FhirTask.TaskIntent.Plan,
            Code = new CodeableConcept { Text = "Talk about a topic on the patient's visit agenda" },
            Description = "my knee pain when I climb stairs",
            Focus = new ResourceReference("List/agenda-1"),
            For = new ResourceReference("Patient/p-1"),
            Encounter = new ResourceReference("Encounter/e-1"),
            AuthoredOn = "2026-12-01T10:15:00Z",
            LastModified = "2026-12-01T10:15:00Z",
            Requester = new ResourceReference("Practitioner/dr-1") { Display = "Dr Rivera" },
            Owner = new ResourceReference("Practitioner/dr-1") { Display = "Dr Rivera" },
        });

        var writeBack = new FhirTask
        {
            Identifier = [new Identifier(pv + "/sid/ehr-sync", "sync-1")],
            Status = FhirTask.TaskStatus.Failed,
            BusinessStatus = new CodeableConcept(pv + "/CodeSystem/pv-ehr-sync-status", "failed", "Failed"),
            Intent = FhirTask.TaskIntent.Order,
            Code = new CodeableConcept(pv + "/CodeSystem/pv-ehr-sync", "write-back", "Write the submission back to the EHR"),
            Description = "Write this submission to the care team's EHR.",
            Focus = new ResourceReference("QuestionnaireResponse/qr-1"),
            For = new ResourceReference("Patient/p-1"),
            AuthoredOnElement = new FhirDateTime("2026-12-01T10:00:00Z"),
            LastModifiedElement = new FhirDateTime("2026-12-01T10:05:00Z"),
            StatusReason = new CodeableConcept { Text = "The EHR refused Goal: 422" },
        };
        writeBack.Output.Add(new FhirTask.OutputComponent { Type = new CodeableConcept(pv + "/CodeSystem/pv-ehr-sync-route", "self") { Text = "Goal/g-1" }, Value = new ResourceReference("https://ehr.example.org/fhir/Goal/77") { Display = "stored" } });
        writeBack.Output.Add(new FhirTask.OutputComponent { Type = new CodeableConcept(pv + "/CodeSystem/pv-ehr-sync-route", "DocumentReference") { Text = "Observation/o-1" }, Value = new FhirString("not delivered") });
        yield return new Seed("built/Task write-back", writeBack);

        var invitation = new FhirTask
        {
            Status = FhirTask.TaskStatus.Requested,
            Intent = FhirTask.TaskIntent.Order,
            Code = new CodeableConcept { Coding = [new Coding("http://hl7.org/fhir/uv/sdc/CodeSystem/temp", "complete-questionnaire"), new Coding(pv + "/CodeSystem/pv-invitation", "link-invitation", "Pre-visit questionnaire by one-time link")], Text = "Pre-visit questionnaire by one-time link" },
            For = new ResourceReference("Patient/p-2"),
            AuthoredOnElement = new FhirDateTime("2026-12-02T08:00:00Z"),
            Restriction = new FhirTask.RestrictionComponent { Period = new Period { EndElement = new FhirDateTime("2026-12-09T08:00:00Z") } },
            Requester = new ResourceReference("Practitioner/dr-2"),
        };
        invitation.Identifier.Add(new Identifier(pv + "/sid/invitation-token-sha256", "3f2a9c"));
        invitation.Input.Add(new FhirTask.ParameterComponent { Type = new CodeableConcept(pv + "/CodeSystem/pv-invitation-input", "questionnaire"), Value = new Canonical(pv + "/Questionnaire/before-your-visit|0.2.0") });
        invitation.Input.Add(new FhirTask.ParameterComponent { Type = new CodeableConcept(pv + "/CodeSystem/pv-invitation-input", "language"), Value = new Code("es") });
        invitation.Input.Add(new FhirTask.ParameterComponent { Type = new CodeableConcept(pv + "/CodeSystem/pv-invitation-input", "visit-date"), Value = new Date("2026-12-10") });
        yield return new Seed("built/Task invitation", invitation);

        yield return new Seed("built/Communication acknowledgement", new Communication
        {
            Identifier = [new Identifier(pv + "/sid/read-acknowledgement", "p-1/dr-1/2026-12-01")],
            Status = EventStatus.Completed,
            Category = [new CodeableConcept("http://terminology.hl7.org/CodeSystem/communication-category", "notification", "Notification")],
            Subject = new ResourceReference("Patient/p-1"),
            Recipient = [new ResourceReference("Patient/p-1")],
            Sender = new ResourceReference("Practitioner/dr-1") { Display = "Dr Rivera" },
            Sent = "2026-12-01T11:00:00Z",
            About = [new ResourceReference("QuestionnaireResponse/qr-1"), new ResourceReference("QuestionnaireResponse/qr-2")],
            Payload = [new Communication.PayloadComponent { Content = new FhirString("Your care team has read what you sent.") }],
        });

        yield return new Seed("built/AuditEvent rest", new AuditEvent
        {
            Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"),
            Subtype = [new Coding("http://hl7.org/fhir/restful-interaction", "search-type", "search-type")],
            Action = AuditEvent.AuditEventAction.E,
            Recorded = new DateTimeOffset(2026, 12, 1, 9, 30, 0, TimeSpan.Zero),
            Outcome = AuditEvent.AuditEventOutcome.N0,
            OutcomeDesc = "200 OK",
            Source = new AuditEvent.SourceComponent { Site = "PatientVoice", Observer = new ResourceReference { Display = "PatientVoice FHIR API" }, Type = [new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server")] },
            Agent =
            [
                new AuditEvent.AgentComponent { Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", "information recipient"), Who = new ResourceReference { Identifier = new Identifier("https://ehr.example.org", "client-1") }, AltId = "user-1", Requestor = true },
                new AuditEvent.AgentComponent { Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "AUT", "author (originator)"), Who = new ResourceReference("Practitioner/dr-1"), Requestor = true },
            ],
            Entity =
            [
                new AuditEvent.EntityComponent { Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"), Role = new Coding("http://terminology.hl7.org/CodeSystem/object-role", "24", "Query"), Name = "Goal", Query = Encoding.UTF8.GetBytes("patient=Patient/p-1") },
                new AuditEvent.EntityComponent { What = new ResourceReference("Patient/p-1"), Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"), Role = new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient") },
            ],
        });

        yield return new Seed("built/AuditEvent page", new AuditEvent
        {
            Type = new Coding("http://dicom.nema.org/resources/ontology/DCM", "110110", "Patient Record"),
            Action = AuditEvent.AuditEventAction.R,
            Recorded = new DateTimeOffset(2026, 12, 1, 9, 31, 0, TimeSpan.Zero),
            Outcome = AuditEvent.AuditEventOutcome.N4,
            OutcomeDesc = "403 Forbidden",
            Source = new AuditEvent.SourceComponent { Site = "PatientVoice", Observer = new ResourceReference { Display = "PatientVoice pages" }, Type = [new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server")] },
            Agent = [new AuditEvent.AgentComponent { Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "IRCP", "information recipient"), Who = new ResourceReference { Display = "unauthenticated" }, Requestor = true }],
            Entity = [new AuditEvent.EntityComponent { What = new ResourceReference("Goal/g-1"), Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"), Role = new Coding("http://terminology.hl7.org/CodeSystem/object-role", "4", "Domain Resource") }],
        });

        yield return new Seed("built/AuditEvent read", new AuditEvent
        {
            Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest", "RESTful Operation"),
            Subtype = [new Coding("http://hl7.org/fhir/restful-interaction", "read", "read")],
            Action = AuditEvent.AuditEventAction.R,
            Recorded = new DateTimeOffset(2026, 12, 1, 9, 32, 0, TimeSpan.Zero),
            Outcome = AuditEvent.AuditEventOutcome.N0,
            OutcomeDesc = "200 OK",
            Source = new AuditEvent.SourceComponent { Site = "PatientVoice", Observer = new ResourceReference { Display = "PatientVoice FHIR API" }, Type = [new Coding("http://terminology.hl7.org/CodeSystem/security-source-type", "4", "Application Server")] },
            Agent = [new AuditEvent.AgentComponent { Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-ParticipationType", "AUT", "author (originator)"), Who = new ResourceReference("Patient/p-1"), Requestor = true }],
            Entity = [new AuditEvent.EntityComponent { What = new ResourceReference("Goal/g-1"), Type = new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"), Role = new Coding("http://terminology.hl7.org/CodeSystem/object-role", "4", "Domain Resource") }],
        });

        yield return new Seed("built/Group clinic cohort", new Group
        {
            Identifier = [new Identifier(pv + "/sid/clinic", "knee-clinic")],
            Active = true,
            Type = Group.GroupType.Person,
            Actual = true,
            Name = "Knee clinic, Tuesday",
            Quantity = 2,
            Member =
            [
                new Group.MemberComponent { Entity = new ResourceReference("Patient/p-1") },
                new Group.MemberComponent { Entity = new ResourceReference("Patient/p-2"), Period = new Period { Start = "2026-11-01" }, Inactive = false },
            ],
        });

        var subscription = new Subscription
        {
            Meta = new Meta { Profile = ["http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-subscription"] },
            Status = Subscription.SubscriptionStatus.Requested,
            Reason = "Notify the EHR of new submissions",
            Criteria = pv + "/SubscriptionTopic/questionnaire-response-completed",
            Channel = new Subscription.ChannelComponent
            {
                Type = Subscription.SubscriptionChannelType.RestHook,
                Endpoint = "https://ehr.example.org/notifications",
                Payload = "application/fhir+json",
                Header = ["Authorization: Bearer receiver-secret"],
            },
        };
        subscription.Channel.PayloadElement!.AddExtension("http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-payload-content", new Code("id-only"));
        subscription.Channel.AddExtension("http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-timeout", new UnsignedInt(30));
        subscription.CriteriaElement!.AddExtension("http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria", new FhirString("QuestionnaireResponse?patient=Patient/p-1"));
        yield return new Seed("built/Subscription backport rest-hook", subscription);

        const string topicBase = "http://hl7.org/fhir/5.0/StructureDefinition/extension-SubscriptionTopic.";
        var topic = new Basic
        {
            Code = new CodeableConcept("http://hl7.org/fhir/fhir-types", "SubscriptionTopic", "SubscriptionTopic"),
            Text = new Narrative { Status = Narrative.NarrativeStatus.Generated, Div = "<div xmlns=\"http://www.w3.org/1999/xhtml\">A questionnaire response was completed.</div>" },
        };
        topic.Extension.Add(new Extension(topicBase + "url", new FhirUri(pv + "/SubscriptionTopic/questionnaire-response-completed")));
        topic.Extension.Add(new Extension(topicBase + "version", new FhirString("1.0.0")));
        topic.Extension.Add(new Extension(topicBase + "status", new Code("active")));
        var trigger = new Extension { Url = topicBase + "resourceTrigger" };
        trigger.Extension.Add(new Extension("description", new Markdown("A response is created or updated.")));
        trigger.Extension.Add(new Extension("resource", new FhirUri("http://hl7.org/fhir/StructureDefinition/QuestionnaireResponse")));
        trigger.Extension.Add(new Extension("supportedInteraction", new Code("create")));
        topic.Extension.Add(trigger);
        yield return new Seed("built/Basic subscription topic", topic);

        yield return new Seed("built/Provenance page change", new Provenance
        {
            Target = [new ResourceReference("Goal/g-1/_history/3")],
            Recorded = new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero),
            Activity = new CodeableConcept("http://terminology.hl7.org/CodeSystem/v3-DataOperation", "UPDATE", "revise"),
            Agent =
            [
                new Provenance.AgentComponent
                {
                    Type = new CodeableConcept("http://terminology.hl7.org/CodeSystem/provenance-participant-type", "author", "Author"),
                    Who = new ResourceReference("RelatedPerson/rp-1"),
                    OnBehalfOf = new ResourceReference("Patient/p-1"),
                },
            ],
        });
    }
}

/// <summary>A resource the generator starts from, and where it came from.</summary>
public sealed record Seed(string Name, Resource Resource)
{
    public string Type => Resource.TypeName;
}
