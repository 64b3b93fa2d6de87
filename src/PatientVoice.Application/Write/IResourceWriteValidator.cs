using Hl7.Fhir.Model;

namespace PatientVoice.Application.Write;

/// <summary>
/// A check every create and update passes before it is stored (profile validation plugs in here).
/// Throws <see cref="PatientVoice.Fhir.Errors.UnprocessableEntityException"/> when the resource is not acceptable.
/// </summary>
public interface IResourceWriteValidator
{
    System.Threading.Tasks.ValueTask ValidateAsync(Resource resource, CancellationToken cancellationToken);
}
