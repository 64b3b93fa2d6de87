using System.Text.Json;
using Hl7.Fhir.Model;
using PatientVoice.Fhir.Errors;
using PatientVoice.Fhir.Goals;
using PatientVoice.Fhir.Questionnaires.Extract;
using PatientVoice.Fhir.Questionnaires.Populate;
using PatientVoice.Fhir.Serialization;
using PatientVoice.Storage;
using PatientVoice.Storage.Search;

namespace PatientVoice.Application.Submit;

/// <summary>
/// Goals that live across responses (docs/adr/0008): a response pre-filled by $populate names, in a hidden
/// <c>Goal.id</c> item, the Goal each carried goal already is, and says which response it was carried from. Submitting
/// it updates those Goals (after checking they are this patient's, extracted by us) and ends the ones the earlier
/// response held that the patient took out. Also what an earlier submission of a response extracted (its Provenance's
/// targets), which amending and $populate both need.
/// </summary>
public sealed class CarriedGoals(IResourceStore store, SearchQueryParser parser)
{
    /// <summary>
    /// Every extracted resource an answer gave an id (a carried goal) must be one of this patient's resources that we
    /// extracted: otherwise 422. One that no longer exists becomes a new resource. One that does keeps the identifiers
    /// it already had beside the new one, so amending either response finds it again.
    /// </summary>
    public async Task CheckIdentitiesAsync(ExtractionResult result, QuestionnaireResponse response, CancellationToken cancellationToken)
    {
        foreach (var extracted in result.Resources.Where(r => !string.IsNullOrEmpty(r.Resource.Id)))
        {
            var resource = extracted.Resource;
            var stored = await store.ReadAsync(resource.TypeName, resource.Id!, cancellationToken);
            if (stored?.Json is null)
            {
                resource.Id = null; // gone (or never here): the answer is a new goal again
                continue;
            }

            var existing = FhirSerializer.Parse<Resource>(stored.Json);
            var ours = ExtractedIdentifiers.IdentifiersOf(existing).Where(i => i.System == ExtractedIdentifiers.System).ToList();
            if (ours.Count == 0 || SubjectOf(existing) != response.Subject?.Reference)
            {
                throw new UnprocessableEntityException(
                    $"The response names {resource.TypeName}/{resource.Id} as a goal it carries forward, but that is not one of this patient's goals from PatientVoice.",
                    "QuestionnaireResponse.item");
            }

            foreach (var identifier in ours.Where(i => i.Value != extracted.IdentifierValue))
            {
                if (resource is Goal goal && !goal.Identifier.Any(i => i.System == identifier.System && i.Value == identifier.Value))
                {
                    goal.Identifier.Insert(0, (Identifier)identifier.DeepCopy());
                }
            }
        }
    }

    /// <summary>
    /// The goals of the response this one was carried forward from (<see cref="PopulateExtensions.CarriedForwardFrom"/>)
    /// that are still open, are this patient's, and that this response no longer holds.
    /// </summary>
    public async Task<IReadOnlyList<Goal>> DroppedAsync(ExtractionResult result, QuestionnaireResponse response, CancellationToken cancellationToken)
    {
        if (response.GetExtension(PopulateExtensions.CarriedForwardFrom)?.Value is not ResourceReference { Reference: { } from }
            || !from.StartsWith("QuestionnaireResponse/", StringComparison.Ordinal)
            || from == $"QuestionnaireResponse/{result.ResponseId}")
        {
            return [];
        }

        var kept = result.OfType<Goal>().Select(g => g.Id).OfType<string>().ToHashSet(StringComparer.Ordinal);
        return (await ExtractedByAsync(from["QuestionnaireResponse/".Length..], cancellationToken))
            .OfType<Goal>()
            .Where(g => g.Id is not null && !kept.Contains(g.Id) && g.Subject?.Reference == response.Subject?.Reference)
            .Where(g => !GoalLifecycle.IsEnded(g))
            .ToList();
    }

    /// <summary>The current versions of what the latest submission of a response extracted (its Provenance's targets).</summary>
    public async Task<IReadOnlyList<Resource>> ExtractedByAsync(string responseId, CancellationToken cancellationToken)
    {
        var query = parser.Parse("Provenance", [new("entity", $"QuestionnaireResponse/{responseId}"), new("_sort", "-_lastUpdated")], strict: true) with { Count = 1 };
        if ((await store.SearchAsync(query, cancellationToken)).Matches is not [{ Json: { } provenanceJson }, ..]
            || FhirSerializer.Parse<Resource>(provenanceJson) is not Provenance last)
        {
            return [];
        }

        var extracted = new List<Resource>();
        foreach (var target in last.Target.Select(t => t.Reference).OfType<string>())
        {
            var parts = target.Split('/');
            if (parts.Length >= 2 && await store.ReadAsync(parts[0], parts[1], cancellationToken) is { Json: { } json })
            {
                extracted.Add(FhirSerializer.Parse<Resource>(json));
            }
        }

        return extracted;
    }

    private static string? SubjectOf(Resource resource) => resource switch
    {
        Goal g => g.Subject?.Reference,
        Observation o => o.Subject?.Reference,
        _ => null,
    };
}
