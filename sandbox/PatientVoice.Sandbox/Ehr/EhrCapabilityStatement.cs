using Hl7.Fhir.Model;

namespace PatientVoice.Sandbox.Ehr;

/// <summary>
/// <c>GET /fhir/metadata</c>: what the sandbox EHR serves: read and search on every type; create, update,
/// conditional create (<c>If-None-Exist</c>) and conditional update (<c>PUT Type?identifier=…</c>) on the types
/// PatientVoice writes back, less <see cref="EhrWriteRules.UnlistedTypes"/>. Open to anyone, as FHIR servers do.
/// </summary>
internal static class EhrCapabilityStatement
{
    public static CapabilityStatement Build(string fhirBase, EhrWriteRules rules)
    {
        var rest = new CapabilityStatement.RestComponent { Mode = CapabilityStatement.RestfulCapabilityMode.Server };
        foreach (var type in EhrResourceTypes.All)
        {
            var resource = new CapabilityStatement.ResourceComponent
            {
                Type = type,
                Interaction =
                [
                    new() { Code = CapabilityStatement.TypeRestfulInteraction.Read },
                    new() { Code = CapabilityStatement.TypeRestfulInteraction.SearchType },
                ],
            };
            if (rules.IsListed(type))
            {
                resource.Interaction.Add(new() { Code = CapabilityStatement.TypeRestfulInteraction.Create });
                resource.Interaction.Add(new() { Code = CapabilityStatement.TypeRestfulInteraction.Update });
                resource.ConditionalCreate = true;
                resource.ConditionalUpdate = true;
            }

            rest.Resource.Add(resource);
        }

        return new CapabilityStatement
        {
            Status = PublicationStatus.Active,
            Date = "2026-11-26",
            Kind = CapabilityStatementKind.Instance,
            Software = new CapabilityStatement.SoftwareComponent { Name = "PatientVoice sandbox EHR" },
            Implementation = new CapabilityStatement.ImplementationComponent { Description = "A mock EHR for development and tests", Url = fhirBase },
            FhirVersion = FHIRVersion.N4_0_1,
            Format = ["json"],
            Rest = [rest],
        };
    }
}
