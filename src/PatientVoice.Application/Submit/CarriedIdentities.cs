using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Questionnaires.Populate;

namespace PatientVoice.Application.Submit;

/// <summary>
/// The trust boundary for carried goals (docs/adr/0008), whatever the door: a form pre-filled by $populate keeps the
/// hidden <c>goal-id</c> answers in the groups they came in, so an edited goal stays the same Goal; but a browser or a
/// client could send any id. Every answer to a <c>{Type}.id</c> item must name, once, a resource the response this one
/// was carried forward from made for this patient (an ended goal's id is forgotten). Anything else is refused before
/// anything is stored: the patient pages check their drafts, <see cref="SubmissionService"/> every submission.
/// </summary>
public sealed class CarriedIdentities(CarriedGoals carried)
{
    /// <summary>The response <paramref name="response"/> says it was carried forward from (<c>QuestionnaireResponse/{id}</c>), or null.</summary>
    public static string? CarriedFrom(QuestionnaireResponse response)
        => response.GetExtension(PopulateExtensions.CarriedForwardFrom)?.Value is ResourceReference { Reference: { Length: > 0 } reference } ? reference : null;

    /// <summary>Sets (or clears) the <c>pv-carried-forward-from</c> extension.</summary>
    public static void SetCarriedFrom(QuestionnaireResponse response, string? reference)
    {
        response.RemoveExtension(PopulateExtensions.CarriedForwardFrom);
        if (reference is not null)
        {
            response.Extension.Add(new Extension(PopulateExtensions.CarriedForwardFrom, new ResourceReference(reference)));
        }
    }

    /// <summary>
    /// Throws <see cref="UnprocessableEntityException"/> when an id answer is not one the form may carry. The id of a
    /// carried goal that has ended since the form opened (marked achieved on My goals) is forgotten: the words become a
    /// new goal, the ended one stays ended, and the form is not stuck on an id it can no longer save.
    /// </summary>
    public async Task CheckAsync(QuestionnaireResponse response, Questionnaire questionnaire, string patientReference, CancellationToken cancellationToken)
    {
        var definitions = new Dictionary<string, Questionnaire.ItemComponent>(StringComparer.Ordinal);
        Index(questionnaire.Item, definitions);
        var named = new List<(QuestionnaireResponse.ItemComponent Item, string Type, string Id)>();
        Collect(response.Item, definitions, named);
        if (named.Count == 0)
        {
            return;
        }

        var made = new Dictionary<(string, string), Resource>();
        if (CarriedFrom(response) is { } from && from.StartsWith("QuestionnaireResponse/", StringComparison.Ordinal))
        {
            foreach (var resource in await carried.ExtractedByAsync(from["QuestionnaireResponse/".Length..], cancellationToken))
            {
                if (resource.Id is { } id && SubjectOf(resource) == patientReference)
                {
                    made[(resource.TypeName, id)] = resource;
                }
            }
        }

        var seen = new HashSet<(string, string)>();
        foreach (var (item, type, id) in named)
        {
            if (!made.TryGetValue((type, id), out var resource) || !seen.Add((type, id)))
            {
                throw new UnprocessableEntityException(
                    $"The answers name {type}/{id}, which is not one of this patient's {type}s that this form carried forward (or name it twice).",
                    "QuestionnaireResponse.item");
            }

            if (resource is Goal goal && PatientVoice.Fhir.Goals.GoalLifecycle.IsEnded(goal))
            {
                item.Answer.Clear();
            }
        }
    }

    private static void Index(IEnumerable<Questionnaire.ItemComponent> items, Dictionary<string, Questionnaire.ItemComponent> definitions)
    {
        foreach (var item in items)
        {
            if (item.LinkId is { } linkId)
            {
                definitions.TryAdd(linkId, item);
            }

            Index(item.Item, definitions);
        }
    }

    private static void Collect(IEnumerable<QuestionnaireResponse.ItemComponent> items, Dictionary<string, Questionnaire.ItemComponent> definitions, List<(QuestionnaireResponse.ItemComponent, string, string)> named)
    {
        foreach (var item in items)
        {
            if (item.LinkId is { } linkId && definitions.TryGetValue(linkId, out var definition) && IdType(definition) is { } type)
            {
                named.AddRange(item.Answer.Select(a => a.Value).OfType<PrimitiveType>().Select(v => v.ToString()).OfType<string>()
                    .Where(v => v.Length > 0).Select(v => (item, type, v)));
            }

            Collect(item.Item, definitions, named);
            foreach (var answer in item.Answer)
            {
                Collect(answer.Item, definitions, named);
            }
        }
    }

    // "…#Goal.id" → "Goal": an item whose answer is the id of the resource its group extracts.
    private static string? IdType(Questionnaire.ItemComponent definition)
    {
        var path = definition.Definition is { } d && d.IndexOf('#', StringComparison.Ordinal) is var hash and >= 0 ? d[(hash + 1)..] : null;
        return path is not null && path.EndsWith(".id", StringComparison.Ordinal) && path.IndexOf('.', StringComparison.Ordinal) == path.Length - 3
            ? path[..^3]
            : null;
    }

    private static string? SubjectOf(Resource resource) => resource switch
    {
        Goal g => g.Subject?.Reference,
        Observation o => o.Subject?.Reference,
        _ => null,
    };
}
