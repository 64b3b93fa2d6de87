using System.Text.Encodings.Web;
using Hl7.Fhir.Model;
using Microsoft.AspNetCore.Html;
using PatientVoice.Application.ReadModels;
using PatientVoice.Application.Submit;

namespace PatientVoice.Web.Patients;

/// <summary>One thing the patient told us: what kind it is (a code of ours), in their words, when.</summary>
public sealed record PatientStatement(string Kind, string KindDisplay, string Text, string? About, DateTimeOffset? When, string? By)
{
    /// <summary>What the patient said of the same kind (and condition) in earlier submissions, newest first, when it was different.</summary>
    public IReadOnlyList<PatientStatement> Earlier { get; init; } = [];

    /// <summary>
    /// <see cref="When"/> is a calendar date, not an instant (an <c>effectiveDateTime</c> such as <c>2026-12-04</c>):
    /// shown as that date, never moved into the reader's time zone (which could make it the day before).
    /// </summary>
    public bool WhenIsDate { get; init; }

    /// <summary>When, as the reader should see it: the date as given, or the instant in the reader's time zone.</summary>
    public IHtmlContent? WhenText
        => When is not { } when ? null : WhenIsDate ? new HtmlString(HtmlEncoder.Default.Encode(PatientText.Date(when))) : PatientText.Time(when);
}

/// <summary>
/// The patient's care preferences (pv-care-preference) and what they know about their conditions
/// (pv-condition-self-knowledge), as the questionnaires extracted them. Every submission makes new Observations (a
/// statement made at a time; earlier ones stay <c>final</c>: they were true when said — docs/adr/0019). What holds now
/// is what the newest submission of the form said, exactly as the clinician summary reads it: an answer the patient
/// cleared is no longer shown as current. What they said before is kept beside it as history.
/// </summary>
public sealed class PatientObservations(RecordReader records)
{
    public const string PreferenceKinds = "http://patientvoice.example.org/fhir/CodeSystem/pv-care-preference-kind";
    public const string SelfKnowledgeKinds = "http://patientvoice.example.org/fhir/CodeSystem/pv-self-knowledge-kind";

    private const string PreferencesForm = PatientQuestionnaires.Base + "my-care-preferences";
    private const string SelfKnowledgeForm = PatientQuestionnaires.Base + "what-i-know-about-my-condition";

    public Task<IReadOnlyList<PatientStatement>> PreferencesAsync(PatientContext context, CancellationToken cancellationToken)
        => StatementsAsync(context, PreferenceKinds, PreferencesForm, cancellationToken);

    public Task<IReadOnlyList<PatientStatement>> SelfKnowledgeAsync(PatientContext context, CancellationToken cancellationToken)
        => StatementsAsync(context, SelfKnowledgeKinds, SelfKnowledgeForm, cancellationToken);

    private async Task<IReadOnlyList<PatientStatement>> StatementsAsync(PatientContext context, string kinds, string form, CancellationToken cancellationToken)
    {
        var found = await records.SearchStoredAsync<Observation>([new("subject", context.PatientReference), RecordReader.NewestFirst], 500, cancellationToken);
        // Found newest first.
        var said = found.Select(f => f.Resource)
            .Where(o => o.Status is ObservationStatus.Final or ObservationStatus.Amended or ObservationStatus.Corrected or ObservationStatus.Preliminary)
            .Select(o => (Observation: o, Kind: o.Code?.Coding.FirstOrDefault(c => c.System == kinds && c.Code is not null), Text: (o.Value as FhirString)?.Value))
            .Where(x => x.Kind is not null && !string.IsNullOrWhiteSpace(x.Text))
            .Select(x => (Response: ResponseId(x.Observation), Statement: new PatientStatement(
                x.Kind!.Code!,
                x.Kind.Display ?? x.Kind.Code!,
                x.Text!,
                x.Observation.Focus.FirstOrDefault()?.Display,
                x.Observation.Effective is FhirDateTime effective && effective.TryToDateTimeOffset(out var at) ? at : x.Observation.Issued,
                x.Observation.Performer.FirstOrDefault()?.Reference)
            {
                // "2026-12-04" (or coarser) has no time of day: a date, not an instant.
                WhenIsDate = x.Observation.Effective is FhirDateTime { Value.Length: <= 10 },
            }))
            .ToList();

        var latest = await LatestSubmissionAsync(context, form, cancellationToken);
        // The newest submission's statements; with no submission of the form here (Observations written through the
        // API only), the newest of each kind.
        var current = latest is not null
            ? said.Where(s => s.Response == latest).Select(s => s.Statement).DistinctBy(s => (s.Kind, s.About)).ToList()
            : said.Select(s => s.Statement).DistinctBy(s => (s.Kind, s.About)).ToList();
        return current.Select(statement => statement with
        {
            Earlier = said.Select(s => s.Statement)
                .Where(s => !ReferenceEquals(s, statement) && s.Kind == statement.Kind && s.About == statement.About && (s.When is null || statement.When is null || s.When <= statement.When))
                .Where(s => !SameWords(s.Text, statement.Text))
                .DistinctBy(s => Normalise(s.Text))
                .ToList(),
        }).ToList();
    }

    private async Task<string?> LatestSubmissionAsync(PatientContext context, string form, CancellationToken cancellationToken)
    {
        var responses = await records.SearchAsync<QuestionnaireResponse>(
            [new("subject", context.PatientReference), new("questionnaire", form), new("status", "completed,amended"), RecordReader.NewestFirst], 50, cancellationToken);
        // By when the patient wrote it: amending an older response does not make it the newest.
        return responses
            .Where(SubmissionService.IsSubmission)
            .OrderByDescending(r => r.AuthoredElement is { } authored && authored.TryToDateTimeOffset(out var at) ? at : DateTimeOffset.MinValue)
            .FirstOrDefault()?.Id;
    }

    // QuestionnaireResponse/{id}, or …/_history/{version}: the id.
    private static string? ResponseId(Observation observation) => observation.DerivedFrom
        .Select(d => d.Reference?.Split('/'))
        .Where(parts => parts is not null && Array.IndexOf(parts, "QuestionnaireResponse") is var at && at >= 0 && at + 1 < parts.Length)
        .Select(parts => parts![Array.IndexOf(parts, "QuestionnaireResponse") + 1])
        .FirstOrDefault();

    private static bool SameWords(string a, string b) => Normalise(a) == Normalise(b);

    private static string Normalise(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToUpperInvariant();
}
