using Hl7.Fhir.Model;
using PatientVoice.Fhir.Conformance;
using PatientVoice.Storage.Indexing;

namespace PatientVoice.Web.FhirApi.Capabilities;

/// <summary>
/// Builds the CapabilityStatement from the same lists the server runs on: the supported types and the
/// search parameters the index knows for each. Nothing is claimed that is not wired.
/// </summary>
public sealed class CapabilityStatementBuilder(SearchParameterRegistry searchParameters, ConformancePackage package, TimeProvider time, Security.SmartSecurityMetadata security)
{
    private static readonly CapabilityStatement.TypeRestfulInteraction[] Interactions =
    [
        CapabilityStatement.TypeRestfulInteraction.Read,
        CapabilityStatement.TypeRestfulInteraction.Vread,
        CapabilityStatement.TypeRestfulInteraction.Update,
        CapabilityStatement.TypeRestfulInteraction.Delete,
        CapabilityStatement.TypeRestfulInteraction.HistoryInstance,
        CapabilityStatement.TypeRestfulInteraction.HistoryType,
        CapabilityStatement.TypeRestfulInteraction.Create,
        CapabilityStatement.TypeRestfulInteraction.SearchType,
    ];

    // The audit trail is written by the server only: read and search it.
    private static readonly CapabilityStatement.TypeRestfulInteraction[] AuditInteractions =
    [
        CapabilityStatement.TypeRestfulInteraction.Read,
        CapabilityStatement.TypeRestfulInteraction.Vread,
        CapabilityStatement.TypeRestfulInteraction.SearchType,
    ];

    /// <summary>The Bulk Data Access IG 2.0.0 server CapabilityStatement and its operations, by canonical.</summary>
    public const string BulkDataCapabilityStatement = "http://hl7.org/fhir/uv/bulkdata/CapabilityStatement/bulk-data";
    public const string ExportOperation = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/export";
    public const string PatientExportOperation = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/patient-export";
    public const string GroupExportOperation = "http://hl7.org/fhir/uv/bulkdata/OperationDefinition/group-export";
    private const string SubscriptionTopicCanonical = "http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/capabilitystatement-subscriptiontopic-canonical";
    private const string BackportServer = "http://hl7.org/fhir/uv/subscriptions-backport/CapabilityStatement/backport-subscription-server-r4";

    private readonly DateTimeOffset _started = time.GetUtcNow();

    // The reference parameters of supported types that can point at resourceType: what _revinclude can follow.
    private IEnumerable<string> RevIncludesInto(string resourceType)
        => SupportedResourceTypes.All.SelectMany(source => searchParameters.ForType(source)
            .Where(p => p.Type == SearchParamType.Reference && (p.TargetTypes.Count == 0 || p.TargetTypes.Contains(resourceType)))
            .Select(p => $"{source}:{p.Name}"));

    public CapabilityStatement Build(string baseUrl)
    {
        var rest = new CapabilityStatement.RestComponent
        {
            Mode = CapabilityStatement.RestfulCapabilityMode.Server,
            Security = security.Security(),
            Documentation = "PatientVoice FHIR R4 API: the patient's own words as Questionnaire, QuestionnaireResponse, Goal, Observation, DocumentReference, Provenance and List.",
            Interaction =
            [
                new CapabilityStatement.SystemInteractionComponent { Code = CapabilityStatement.SystemRestfulInteraction.Transaction },
                new CapabilityStatement.SystemInteractionComponent { Code = CapabilityStatement.SystemRestfulInteraction.Batch },
                new CapabilityStatement.SystemInteractionComponent { Code = CapabilityStatement.SystemRestfulInteraction.HistorySystem },
            ],
            Operation = [new CapabilityStatement.OperationComponent { Name = "export", Definition = ExportOperation }],
        };

        foreach (var type in SupportedResourceTypes.All)
        {
            var parameters = searchParameters.ForType(type);
            var resource = new CapabilityStatement.ResourceComponent
            {
                Type = type,
                Profile = $"http://hl7.org/fhir/StructureDefinition/{type}",
                SupportedProfile = package.Profiles.Where(p => p.Type == type).Select(p => p.Url).ToList(),
                Operation =
                [
                    new CapabilityStatement.OperationComponent { Name = "validate", Definition = "http://hl7.org/fhir/OperationDefinition/Resource-validate" },
                    .. type == "QuestionnaireResponse"
                        ? [new CapabilityStatement.OperationComponent { Name = "extract", Definition = "http://hl7.org/fhir/uv/sdc/OperationDefinition/QuestionnaireResponse-extract" }]
                        : Array.Empty<CapabilityStatement.OperationComponent>(),
                    .. type == "Questionnaire"
                        ? [new CapabilityStatement.OperationComponent { Name = "populate", Definition = "http://hl7.org/fhir/uv/sdc/OperationDefinition/Questionnaire-populate" }]
                        : Array.Empty<CapabilityStatement.OperationComponent>(),
                    .. type == "Group"
                        ? [new CapabilityStatement.OperationComponent { Name = "export", Definition = GroupExportOperation }]
                        : Array.Empty<CapabilityStatement.OperationComponent>(),
                    .. type == "Subscription"
                        ? [
                            new CapabilityStatement.OperationComponent { Name = "status", Definition = "http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition/backport-subscription-status" },
                            new CapabilityStatement.OperationComponent { Name = "events", Definition = "http://hl7.org/fhir/uv/subscriptions-backport/OperationDefinition/backport-subscription-events" },
                        ]
                        : Array.Empty<CapabilityStatement.OperationComponent>(),
                ],
                Interaction = Interactions.Where(i => type != Security.FhirAccessGrant.AuditEventType || AuditInteractions.Contains(i))
                    .Select(i => new CapabilityStatement.ResourceInteractionComponent { Code = i }).ToList(),
                Versioning = CapabilityStatement.ResourceVersionPolicy.Versioned,
                ReadHistory = true,
                UpdateCreate = true,
                ConditionalCreate = true,
                ConditionalRead = CapabilityStatement.ConditionalReadStatus.FullSupport,
                ConditionalUpdate = true,
                ConditionalDelete = CapabilityStatement.ConditionalDeleteStatus.Single,
                ReferencePolicy = [CapabilityStatement.ReferenceHandlingPolicy.Literal, CapabilityStatement.ReferenceHandlingPolicy.Logical],
                SearchInclude = ["*", .. parameters.Where(p => p.Type == SearchParamType.Reference).Select(p => $"{type}:{p.Name}")],
                SearchRevInclude = RevIncludesInto(type).ToList(),
                SearchParam = parameters.Select(p => new CapabilityStatement.SearchParamComponent
                {
                    Name = p.Name,
                    Definition = p.Url,
                    Type = p.Type,
                    Documentation = string.IsNullOrWhiteSpace(p.Documentation) ? null : new Markdown(p.Documentation),
                }).ToList(),
            };
            if (type == "Subscription")
            {
                // R4 backport: the topics a client may subscribe to, and the profile its Subscriptions follow.
                resource.SupportedProfileElement.Add(new Canonical(PatientVoice.Application.Subscriptions.BackportSubscription.Profile));
                resource.Extension.AddRange(PatientVoice.Application.Subscriptions.SubscriptionTopics.All.Select(t =>
                    new Extension(SubscriptionTopicCanonical, new Canonical(t.Url))));
            }

            rest.Resource.Add(resource);
        }

        // Patients live in the EHR (we hold references, never copies): Patient is here only for Patient/$export.
        rest.Resource.Add(new CapabilityStatement.ResourceComponent
        {
            Type = "Patient",
            Documentation = "Patients are the EHR's; this server holds none, only resources that reference them. Patient/$export exports every patient's compartment.",
            Operation = [new CapabilityStatement.OperationComponent { Name = "export", Definition = PatientExportOperation }],
        });

        // Who is being reached (docs/adr/0031): one Measure, read and evaluated (summary counts, a system/ scope).
        rest.Resource.Add(new CapabilityStatement.ResourceComponent
        {
            Type = "Measure",
            Documentation = $"Only {Application.Uptake.UptakeMeasureDefinition.Url} (id {Application.Uptake.UptakeMeasureDefinition.Id}): uptake per week. "
                + "GET Measure/patientvoice-uptake/$evaluate-measure?periodStart=YYYY-MM-DD&periodEnd=YYYY-MM-DD answers a summary MeasureReport; "
                + "counts from 1 to 10 (and their complements) carry the data-absent-reason 'masked' instead of a value. Needs system/MeasureReport.rs.",
            Interaction = [new CapabilityStatement.ResourceInteractionComponent { Code = CapabilityStatement.TypeRestfulInteraction.Read }],
            Operation = [new CapabilityStatement.OperationComponent { Name = "evaluate-measure", Definition = "http://hl7.org/fhir/OperationDefinition/Measure-evaluate-measure" }],
        });

        return new CapabilityStatement
        {
            Instantiates = [BulkDataCapabilityStatement, BackportServer],
            Url = $"{baseUrl}/metadata",
            Name = "PatientVoice",
            Title = "PatientVoice FHIR R4 server",
            Status = PublicationStatus.Active,
            Experimental = false,
            Date = _started.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Publisher = "PatientVoice",
            Kind = CapabilityStatementKind.Instance,
            Software = new CapabilityStatement.SoftwareComponent { Name = "PatientVoice", Version = typeof(CapabilityStatementBuilder).Assembly.GetName().Version?.ToString() },
            Implementation = new CapabilityStatement.ImplementationComponent { Description = "PatientVoice", Url = baseUrl },
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["application/fhir+json", "application/fhir+xml", "json", "xml"],
            PatchFormat = [],
            Rest = [rest],
        };
    }
}
