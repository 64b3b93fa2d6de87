using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;

namespace PatientVoice.Application.Subscriptions;

/// <summary>
/// One filter of a subscription (backport-filter-criteria, e.g. <c>QuestionnaireResponse?patient=Patient/123</c>): a
/// parameter the topic can filter by, equal to any of its comma-separated values. Parameters are ANDed.
/// </summary>
public sealed record SubscriptionFilter(TopicFilter Filter, IReadOnlyList<string> Values)
{
    /// <summary>The filters of one criteria string; 422 for another type, a parameter the topic does not offer, or a modifier.</summary>
    public static IEnumerable<SubscriptionFilter> Parse(SubscriptionTopic topic, string criteria)
    {
        var question = criteria.IndexOf('?', StringComparison.Ordinal);
        var type = question < 0 ? criteria : criteria[..question];
        if (type != topic.ResourceType)
        {
            throw Invalid($"The filter '{criteria}' must be on {topic.ResourceType} (the type of the topic {topic.Url}), as {topic.ResourceType}?name=value.");
        }

        var filters = new List<SubscriptionFilter>();
        foreach (var pair in (question < 0 ? string.Empty : criteria[(question + 1)..]).Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Uri.UnescapeDataString(equals < 0 ? pair : pair[..equals]);
            var value = equals < 0 ? string.Empty : Uri.UnescapeDataString(pair[(equals + 1)..]);
            if (name.Contains(':', StringComparison.Ordinal))
            {
                throw Invalid($"Filter modifiers are not supported ('{name}'); use {string.Join(" or ", topic.CanFilterBy.Select(f => f.Parameter))} with plain values.");
            }

            var filter = topic.Filter(name)
                ?? throw Invalid($"The topic {topic.Url} cannot be filtered by '{name}'; its canFilterBy: {string.Join(", ", topic.CanFilterBy.Select(f => f.Parameter))}.");
            var values = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            if (values.Length == 0)
            {
                throw Invalid($"The filter '{name}' has no value.");
            }

            filters.Add(new SubscriptionFilter(filter, values));
        }

        return filters;
    }

    public bool Matches(Resource focus)
    {
        var actual = Filter.Value(focus);
        if (actual is null)
        {
            return false;
        }

        return Values.Any(expected => Filter.Canonical
            ? actual == expected || actual.Split('|')[0] == expected
            : SubscriptionTopics.Reference(actual) == SubscriptionTopics.Reference(expected));
    }

    /// <summary>The patient ids (<c>Patient/123</c>) this filter restricts to, or null when it does not name patients.</summary>
    public IReadOnlyList<string>? Patients => Filter.Parameter == "patient" ? Values.Select(v => SubscriptionTopics.Reference(v)!).ToList() : null;

    private static UnprocessableEntityException Invalid(string message) => new(message, "Subscription.criteria.extension");
}
