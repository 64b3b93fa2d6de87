using Hl7.Fhir.Model;
using PatientVoice.Fhir.Validation;

namespace PatientVoice.Fhir.Tests.Differential;

/// <summary>
/// The production validator as the server calls it (ResourceValidation): the shared, warmed <see cref="ProfileValidator"/>
/// over the package compiled at build time (ADR 0028), default profiles on (<see cref="ProfileValidator.DefaultProfilesFor"/>),
/// no explicit profile, from several threads at once.
/// </summary>
public sealed class ProductionCandidate(ProfileValidator validator, string name = "production: ProfileValidator over the compiled package") : IValidationCandidate
{
    public string Name => name;

    public DifferentialOutcome Validate(Resource resource)
    {
        try
        {
            var report = validator.ValidateAsync(resource, profiles: null, useDefaultProfiles: true).GetAwaiter().GetResult();
            return DifferentialOutcome.From(report.Issues.Select(i => (i.Severity, i.Expression, i.Diagnostics)));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return DifferentialOutcome.Threw(e);
        }
    }
}
