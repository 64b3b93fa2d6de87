using Hl7.Fhir.Model;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Indexing;
using PatientVoice.Storage.Search;

namespace PatientVoice.Web.Security;

/// <summary>
/// Which stored resources belong to a patient: for each patient-data type, the one search parameter whose
/// <c>Patient/{id}</c> reference puts a resource in that patient's compartment. The same index rows serve
/// narrowing a search (a criterion added to the query, so the database pages only the patient's rows) and
/// checking one resource (its rows computed by the indexer).
/// </summary>
/// <remarks>
/// R4's Patient CompartmentDefinition names several parameters for some types (Observation: subject and
/// performer); the query model ANDs parameters, so we keep the one that holds the patient in what we store.
/// Provenance uses our <c>acting-for</c> (agent.who | agent.onBehalfOf): R4's <c>patient</c> is
/// <c>target.where(resolve() is Patient)</c>, and our Provenances target the extracted resources.
/// Questionnaire is not patient data (forms are shared); AuditEvent is reached only by audit scopes.
/// </remarks>
public sealed class PatientCompartment(ISearchIndexer indexer, SearchQueryParser parser)
{
    private static readonly Dictionary<string, string> Parameters = new(StringComparer.Ordinal)
    {
        ["QuestionnaireResponse"] = "patient",
        ["Goal"] = "patient",
        ["Observation"] = "patient",
        ["DocumentReference"] = "patient",
        ["List"] = "patient",
        ["Provenance"] = "acting-for",
        // Clinician review records (docs/adr/0010, 0011): Communication.subject and Task.for name the patient.
        ["Communication"] = "patient",
        ["Task"] = "patient",
        ["AuditEvent"] = "patient",
        // A Group names its member patients: a patient's token sees only the Groups it is a member of.
        ["Group"] = "member",
    };

    /// <summary>Whether resources of this type belong to patients (and so to compartments).</summary>
    public static bool HoldsPatientData(string resourceType) => Parameters.ContainsKey(resourceType);

    /// <summary>The search parameter that names a resource's patient, or null for a type that holds no patient data.</summary>
    public static string? ParameterFor(string resourceType) => Parameters.GetValueOrDefault(resourceType);

    /// <summary><paramref name="query"/> limited to <paramref name="reach"/>: unchanged for every patient, nothing for no reach.</summary>
    public SearchQuery Narrow(SearchQuery query, AccessReach reach)
    {
        if (reach.IsAllPatients)
        {
            return query;
        }

        if (!HoldsPatientData(query.ResourceType))
        {
            // Shared definitions (Questionnaire) are readable by anyone whose scopes name the type.
            return query;
        }

        // No reach: a patient id no resource can have, so the database answers "nothing" through the same path.
        var patient = reach.Granted ? reach.PatientId! : "\u0000none";
        var criterion = parser.Parse(query.ResourceType, [new(ParameterFor(query.ResourceType)!, $"Patient/{patient}")], strict: true).Criteria;
        return query with { Criteria = [.. query.Criteria, .. criterion] };
    }

    /// <summary>Whether a stored version is within <paramref name="reach"/> (a deleted version never is, unless all patients are).</summary>
    public bool Contains(StoredResource stored, AccessReach reach)
    {
        if (reach.IsAllPatients || (reach.Granted && !HoldsPatientData(stored.ResourceType) && stored.ResourceType != FhirAccessGrant.AuditEventType))
        {
            return true;
        }

        if (!reach.Granted || stored.Json is null)
        {
            return false;
        }

        return Contains(FhirResourceParser.Parse(stored.Json, FhirFormat.Json), reach);
    }

    /// <summary>Whether a resource (stored or about to be) names the patient of <paramref name="reach"/> in its compartment parameter.</summary>
    public bool Contains(Resource resource, AccessReach reach)
    {
        if (reach.IsAllPatients)
        {
            return true;
        }

        if (!reach.Granted || ParameterFor(resource.TypeName) is not { } parameter)
        {
            return false;
        }

        return indexer.Extract(resource).OfType<ReferenceIndexEntry>().Any(e =>
            e.ParameterName == parameter && e.TargetType == "Patient" && e.TargetId == reach.PatientId);
    }
}
