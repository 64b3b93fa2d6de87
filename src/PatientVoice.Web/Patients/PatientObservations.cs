using Hl7.Fhir.Model;

namespace PatientVoice.Web.Patients;

/// <summary>One thing the patient told us: what kind it is (a code of ours), in their words, when.</summary>
public sealed record PatientStatement(string Kind, string KindDisplay, string Text, string? About, DateTimeOffset? When, string? By);

/// <summary>
/// The patient's care preferences (pv-care-preference) and what they know about their conditions
/// (pv-condition-self-knowledge), as the questionnaires extracted them: the newest statement of each kind (and
/// condition) that is still current.
/// </summary>
public sealed class PatientObservations(PatientStore store)
{
    public const string PreferenceKinds = "http://patientvoice.example.org/fhir/CodeSystem/pv-care-preference-kind";
    public const string SelfKnowledgeKinds = "http://patientvoice.example.org/fhir/CodeSystem/pv-self-knowledge-kind";

    public Task<IReadOnlyList<PatientStatement>> PreferencesAsync(PatientContext context, CancellationToken cancellationToken)
        => StatementsAsync(context, PreferenceKinds, cancellationToken);

    public Task<IReadOnlyList<PatientStatement>> SelfKnowledgeAsync(PatientContext context, CancellationToken cancellationToken)
        => StatementsAsync(context, SelfKnowledgeKinds, cancellationToken);

    private async Task<IReadOnlyList<PatientStatement>> StatementsAsync(PatientContext context, string kinds, CancellationToken cancellationToken)
    {
        var found = await store.SearchAsync<Observation>([new("subject", context.PatientReference)], cancellationToken, count: 500);
        return found.Select(f => f.Resource)
            .Where(o => o.Status is ObservationStatus.Final or ObservationStatus.Amended or ObservationStatus.Corrected or ObservationStatus.Preliminary)
            .Select(o => (Observation: o, Kind: o.Code?.Coding.FirstOrDefault(c => c.System == kinds && c.Code is not null), Text: (o.Value as FhirString)?.Value))
            .Where(x => x.Kind is not null && !string.IsNullOrWhiteSpace(x.Text))
            .Select(x => new PatientStatement(
                x.Kind!.Code!,
                x.Kind.Display ?? x.Kind.Code!,
                x.Text!,
                x.Observation.Focus.FirstOrDefault()?.Display,
                x.Observation.Effective is FhirDateTime effective && effective.TryToDateTimeOffset(out var at) ? at : x.Observation.Issued,
                x.Observation.Performer.FirstOrDefault()?.Reference))
            // Found newest first: keep the newest of each kind (per condition).
            .DistinctBy(s => (s.Kind, s.About))
            .ToList();
    }
}
