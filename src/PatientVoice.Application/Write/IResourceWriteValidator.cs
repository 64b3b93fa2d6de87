using Hl7.Fhir.Model;

namespace PatientVoice.Application.Write;

/// <summary>
/// A check every create and update passes before it is stored (profile validation plugs in here).
/// Throws <see cref="PatientVoice.Fhir.Errors.UnprocessableEntityException"/> when the resource is not acceptable.
/// </summary>
public interface IResourceWriteValidator
{
    /// <summary>
    /// True for the check of a resource's conformance (its profiles, and for a response its Questionnaire): the check a
    /// resource built by construction from a validated response need not pass again (<see cref="Transactions.BundleRequest.ConformsByConstruction"/>).
    /// Every other check (e.g. the rules for a Subscription) applies to every write.
    /// </summary>
    bool ChecksConformance => false;

    System.Threading.Tasks.ValueTask ValidateAsync(Resource resource, CancellationToken cancellationToken);
}
