using Hl7.Fhir.Model;
using PatientVoice.Storage;

namespace PatientVoice.Application.Write;

/// <summary>
/// The Provenance of a change a person made on a page rather than through a questionnaire (a patient or their family
/// member on My goals, a clinician agreeing a goal or recording what they did): the version it made, when, create or
/// update (v3 DataOperation), and who — with the patient they act for when the author is a family member. A submission's Provenance (pv-submission-provenance) also names its response; this one
/// has no response to name, so it is a plain R4 Provenance.
/// </summary>
public static class PageChangeProvenance
{
    private const string ParticipantTypes = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";
    private const string DataOperations = "http://terminology.hl7.org/CodeSystem/v3-DataOperation";

    public static Provenance Create(StoredResource changed, bool created, Actor by, DateTimeOffset recorded)
    {
        var author = new Provenance.AgentComponent
        {
            Type = new CodeableConcept(ParticipantTypes, "author", "Author"),
            Who = new ResourceReference(by.UserReference),
        };
        if (by.IsFamilyMember)
        {
            author.OnBehalfOf = new ResourceReference(by.PatientReference);
        }

        return new Provenance
        {
            Target = [new ResourceReference(changed.VersionedReference)],
            Recorded = recorded,
            Activity = created
                ? new CodeableConcept(DataOperations, "CREATE", "create")
                : new CodeableConcept(DataOperations, "UPDATE", "revise"),
            Agent = [author],
        };
    }
}
