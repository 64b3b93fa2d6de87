using Hl7.Fhir.Model;

namespace PatientVoice.Fhir.Questionnaires.Populate;

/// <summary>
/// What a population knows beyond the Questionnaire: whose response it is, the launch context resources by name
/// (<c>patient</c>, <c>user</c>, <c>encounter</c>, ... as the Questionnaire's <c>sdc-questionnaire-launchContext</c>
/// names them; a list such as the patient's conditions goes in as a Bundle), and the patient's last response to the
/// same Questionnaire with the resources its submission produced, so its answers are carried forward and the goals
/// it stated keep their identity.
/// </summary>
public sealed record PopulateContext(ResourceReference Subject)
{
    /// <summary>Launch context resources by name, as <c>%name</c> in expressions (<c>%patient</c>, <c>%conditions</c>).</summary>
    public IReadOnlyDictionary<string, Resource> LaunchContext { get; init; } = new Dictionary<string, Resource>(StringComparer.Ordinal);

    /// <summary>The subject's last response to this Questionnaire (any version of the same canonical url), to carry answers from.</summary>
    public QuestionnaireResponse? PreviousResponse { get; init; }

    /// <summary>
    /// What the previous response's submission extracted (its Provenance's targets): a carried repetition that made a
    /// resource (a goal) gets that resource's id in its <c>{Type}.id</c> item, so submitting again updates the same Goal.
    /// </summary>
    public IReadOnlyList<Resource> PreviousResources { get; init; } = [];

    /// <summary>The response's author; the subject when not given.</summary>
    public ResourceReference? Author { get; init; }

    /// <summary>The id the new response will have, when the caller has chosen it; none otherwise.</summary>
    public string? ResponseId { get; init; }

    /// <summary>A clock for <c>authored</c>.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>
    /// The usual context of a patient-facing page: the Patient (the subject, <c>%patient</c>) and, when given, their
    /// conditions as a collection Bundle (<c>%conditions</c>).
    /// </summary>
    public static PopulateContext ForPatient(Patient patient, IEnumerable<Condition>? conditions = null)
    {
        ArgumentNullException.ThrowIfNull(patient);
        var launch = new Dictionary<string, Resource>(StringComparer.Ordinal) { [LaunchContextNames.Patient] = patient };
        if (conditions is not null)
        {
            launch[LaunchContextNames.Conditions] = new Bundle
            {
                Type = Bundle.BundleType.Collection,
                Entry = conditions.Select(c => new Bundle.EntryComponent { Resource = c }).ToList(),
            };
        }

        return new PopulateContext(new ResourceReference($"Patient/{patient.Id}")) { LaunchContext = launch };
    }

    /// <summary>A copy with one more launch context resource.</summary>
    public PopulateContext With(string name, Resource resource) => this with
    {
        LaunchContext = new Dictionary<string, Resource>(LaunchContext, StringComparer.Ordinal) { [name] = resource },
    };
}

/// <summary>The launch context names SDC defines (launchContext code system) and the ones our questionnaires add.</summary>
public static class LaunchContextNames
{
    public const string Patient = "patient";
    public const string Encounter = "encounter";
    public const string User = "user";
    public const string Location = "location";

    /// <summary>Ours: the patient's conditions from the EHR, as a Bundle.</summary>
    public const string Conditions = "conditions";
}
