using System.Text;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Conformance;

namespace PatientVoice.Fhir.Questionnaires.Extract;

/// <summary>The patient note DocumentReference and the Provenance of a submission, as our profiles describe them.</summary>
internal static class SubmissionRecords
{
    private const string Loinc = "http://loinc.org";
    private const string ParticipantTypes = "http://terminology.hl7.org/CodeSystem/provenance-participant-type";

    public static ResourceBuilder? PatientNote(QuestionnaireResponse response, Questionnaire questionnaire, ExtractionContext context)
    {
        if (PatientNoteWriter.NoteBody(response, questionnaire) is not { } body)
        {
            return null;
        }

        var html = PatientNoteWriter.Document(body, response.Language ?? questionnaire.Language);
        var note = new DocumentReference
        {
            Meta = new Meta { Profile = [DefaultProfileRule.PatientNote] },
            Status = DocumentReferenceStatus.Current,
            Type = new CodeableConcept(Loinc, "51855-5", "Patient Note"),
            Subject = (ResourceReference?)response.Subject?.DeepCopy(),
            Date = context.Clock.GetUtcNow(),
            Author = [(ResourceReference)context.Author.DeepCopy()],
            Description = $"{questionnaire.Title ?? questionnaire.Name}: in the patient's words",
            Content =
            [
                new DocumentReference.ContentComponent
                {
                    Attachment = new Attachment
                    {
                        ContentType = "text/html",
                        Language = response.Language ?? questionnaire.Language,
                        Data = Encoding.UTF8.GetBytes(html),
                        Title = questionnaire.Title ?? questionnaire.Name,
                        Creation = response.Authored,
                    },
                },
            ],
            Context = new DocumentReference.ContextComponent
            {
                Encounter = response.Encounter is { } visit ? [(ResourceReference)visit.DeepCopy()] : [],
                Related = [new ResourceReference(context.ResponseReference)],
            },
        };
        return new ResourceBuilder(note, $"{context.ResponseId}/$patient-note/0");
    }

    public static (Provenance Provenance, string FullUrl) Provenance(QuestionnaireResponse response, ExtractionContext context, IEnumerable<ExtractedResource> targets)
    {
        var recorded = context.Clock.GetUtcNow();
        var author = new Provenance.AgentComponent
        {
            Type = new CodeableConcept(ParticipantTypes, "author", "Author"),
            Who = (ResourceReference)context.Author.DeepCopy(),
        };
        if (context.Respondent == Respondent.RelatedPerson && response.Subject?.Reference is { } patient && patient != context.Author.Reference)
        {
            author.OnBehalfOf = new ResourceReference(patient);
        }

        var provenance = new Provenance
        {
            Meta = new Meta { Profile = [DefaultProfileRule.SubmissionProvenance] },
            Target = targets.Select(t => new ResourceReference(t.FullUrl) { Display = t.Resource.TypeName }).ToList(),
            Recorded = recorded,
            Agent = [author],
            Entity =
            [
                new Provenance.EntityComponent
                {
                    Role = Hl7.Fhir.Model.Provenance.ProvenanceEntityRole.Source,
                    What = new ResourceReference(context.ResponseVersionId is { } version
                        ? $"{context.ResponseReference}/_history/{version}"
                        : context.ResponseReference),
                },
            ],
        };

        // A response pre-filled from an earlier one ($populate) revises what that one said (W3C PROV "revision").
        if (response.GetExtension(Populate.PopulateExtensions.CarriedForwardFrom)?.Value is ResourceReference { Reference: { Length: > 0 } earlier })
        {
            provenance.Entity.Add(new Provenance.EntityComponent
            {
                Role = Hl7.Fhir.Model.Provenance.ProvenanceEntityRole.Revision,
                What = new ResourceReference(earlier),
            });
        }

        if (context.StaffHelper is { } staff)
        {
            provenance.Agent.Add(new Provenance.AgentComponent
            {
                Type = new CodeableConcept(ParticipantTypes, "enterer", "Enterer"),
                Who = (ResourceReference)staff.DeepCopy(),
                OnBehalfOf = (ResourceReference?)response.Subject?.DeepCopy(),
            });
        }

        var key = context.ResponseVersionId ?? recorded.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return (provenance, ExtractedIdentifiers.FullUrlFor($"{context.ResponseId}/$provenance/{key}"));
    }
}
