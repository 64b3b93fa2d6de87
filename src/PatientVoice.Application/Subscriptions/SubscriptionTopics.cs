using Hl7.Fhir.Model;
using PatientVoice.Application.Submit;

namespace PatientVoice.Application.Subscriptions;

/// <summary>A filter a topic allows (<c>canFilterBy</c>): a search-parameter name on the topic's resource type and what it selects.</summary>
public sealed record TopicFilter(string Parameter, string Description, Func<Resource, string?> Value, bool Canonical = false);

/// <summary>
/// A SubscriptionTopic we publish (as a Basic in R4, <see cref="SubscriptionTopicResource"/>): its canonical URL, the one
/// resource type whose versions trigger it, when a version does, and the filters a Subscription may narrow it by.
/// </summary>
public sealed record SubscriptionTopic(
    string Id,
    string Url,
    string Title,
    string Description,
    string ResourceType,
    string TriggerDescription,
    IReadOnlyList<TopicFilter> CanFilterBy,
    Func<Resource?, Resource, bool> Triggered)
{
    public TopicFilter? Filter(string parameter) => CanFilterBy.FirstOrDefault(f => f.Parameter == parameter);
}

/// <summary>The topics this server publishes; the one place that says what triggers a notification.</summary>
public static class SubscriptionTopics
{
    public const string Base = "http://patientvoice.example.org/fhir/SubscriptionTopic/";

    private static readonly TopicFilter ResponsePatient = new("patient", "The patient the response is about (Patient/123).", r => ((QuestionnaireResponse)r).Subject?.Reference);
    private static readonly TopicFilter ResponseQuestionnaire = new("questionnaire", "The questionnaire answered (its canonical URL, with or without |version).", r => ((QuestionnaireResponse)r).Questionnaire, Canonical: true);
    private static readonly TopicFilter GoalPatient = new("patient", "The patient whose goal it is (Patient/123).", r => ((Goal)r).Subject?.Reference);

    public static SubscriptionTopic QuestionnaireSubmitted { get; } = new(
        "questionnaire-submitted",
        Base + "questionnaire-submitted",
        "Pre-visit questionnaire completed or amended",
        "A patient (or a family member for them) completed a questionnaire, or amended a completed one: a new version of a QuestionnaireResponse whose status is completed or amended.",
        "QuestionnaireResponse",
        "A QuestionnaireResponse version is stored with status completed or amended.",
        [ResponsePatient, ResponseQuestionnaire],
        (_, current) => current is QuestionnaireResponse { Status: QuestionnaireResponse.QuestionnaireResponseStatus.Completed or QuestionnaireResponse.QuestionnaireResponseStatus.Amended });

    public static SubscriptionTopic PatientGoalChanged { get; } = new(
        "patient-goal-changed",
        Base + "patient-goal-changed",
        "Patient-stated goal created or changed",
        "A goal in the patient's own words (expressed by the patient or a family member for them) was created or changed: from a questionnaire, on My goals, by a clinician's agreement, or through the API.",
        "Goal",
        "A Goal version is stored whose expressedBy is a Patient or RelatedPerson.",
        [GoalPatient],
        (_, current) => current is Goal goal && goal.ExpressedBy?.Reference is { } by
            && (by.Contains("Patient/", StringComparison.Ordinal) || by.Contains("RelatedPerson/", StringComparison.Ordinal)));

    public static SubscriptionTopic SafetyFlagRaised { get; } = new(
        "safety-flag-raised",
        Base + "safety-flag-raised",
        "Safety flag raised on a submission",
        "A submitted questionnaire's free text holds words that may need prompt attention: the response gets the safety flag (meta.tag pv-review-flag|safety-terms) it did not have before.",
        "QuestionnaireResponse",
        "A QuestionnaireResponse version carries the safety flag and the version it replaces did not.",
        [ResponsePatient, ResponseQuestionnaire],
        (previous, current) => ReviewFlag.IsFlagged(current) && (previous is null || !ReviewFlag.IsFlagged(previous)));

    public static IReadOnlyList<SubscriptionTopic> All { get; } = [QuestionnaireSubmitted, PatientGoalChanged, SafetyFlagRaised];

    public static SubscriptionTopic? ByUrl(string? url) => All.FirstOrDefault(t => t.Url == url);

    /// <summary>The types whose versions may trigger a topic.</summary>
    public static bool Triggers(string resourceType) => All.Any(t => t.ResourceType == resourceType);

    /// <summary>The patient a resource of a topic's type is about, as <c>Patient/id</c> (an absolute reference cut to its last two segments).</summary>
    public static string? PatientOf(Resource resource) => Reference(resource switch
    {
        QuestionnaireResponse response => response.Subject?.Reference,
        Goal goal => goal.Subject?.Reference,
        _ => null,
    });

    /// <summary><c>Patient/123</c> for <c>Patient/123</c>, <c>https://x/fhir/Patient/123</c> and <c>Patient/123/_history/2</c>.</summary>
    public static string? Reference(string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            return null;
        }

        var segments = reference.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var history = Array.IndexOf(segments, "_history");
        if (history > 0)
        {
            segments = segments[..history];
        }

        return segments.Length >= 2 ? $"{segments[^2]}/{segments[^1]}" : reference;
    }
}
