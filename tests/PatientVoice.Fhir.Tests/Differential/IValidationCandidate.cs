using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Tests.Differential;

/// <summary>
/// A way of validating a resource that must decide exactly as the full Firely validator does (issue 19): the production
/// validator today, and any faster path tomorrow. Implementations are called from several threads at once.
/// </summary>
public interface IValidationCandidate
{
    string Name { get; }

    DifferentialOutcome Validate(Resource resource);
}
