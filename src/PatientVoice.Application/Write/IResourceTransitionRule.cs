using Hl7.Fhir.Model;
using PatientVoice.Storage;

namespace PatientVoice.Application.Write;

/// <summary>
/// A rule on how a resource of one type may change from its stored version to the next (checked inside the
/// write transaction, against the version it replaces). Throw a FhirException to refuse the change.
/// </summary>
public interface IResourceTransitionRule
{
    string ResourceType { get; }

    void Check(StoredResource current, Resource next);
}
